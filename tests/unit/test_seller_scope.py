"""The shipped knowledge is the sample seller's: a workspace of another seller never cites its
proof points (its customers' figures) or battle cards (its competitors), and is told so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agent.contracts import CoachingRequest, CoachingResponse
from agent.service import coach
from agent.settings import CoachContext
from knowledge.seller import foreign_seller, same_seller, shipped_seller
from tests.conftest import SAMPLE

SELLER_FACTS = ("kb:pp-", "kb:bc-")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Brightwell Systems", "brightwell systems", True),
        ("Brightwell Systems", "Brightwell Systems, Inc.", True),
        ("Brightwell Systems GmbH", "Brightwell-Systems", True),
        ("Brightwell Systems", "Brightwell Analytics", False),
        ("Acme Corp", "Brightwell Systems", False),
    ],
)
def test_seller_names_compare_without_case_punctuation_or_legal_suffix(
    a: str, b: str, same: bool
) -> None:
    assert same_seller(a, b) is same


def test_only_another_named_seller_is_foreign() -> None:
    assert foreign_seller(None) is None
    assert foreign_seller("  ") is None
    assert foreign_seller(shipped_seller().seller.upper()) is None
    assert foreign_seller("Acme Corp") == "Acme Corp"


def _run(workspace: Path, capability: str) -> CoachingResponse:
    ctx = CoachContext(workspace=workspace, outbox=None)
    return coach(CoachingRequest(capability=capability, deal_id="D-1010"), ctx)  # type: ignore[arg-type]


def _facts(response: CoachingResponse) -> list[str]:
    return [c.ref for c in response.citations if c.ref.startswith(SELLER_FACTS)]


@pytest.mark.parametrize("capability", ["pre_call_brief", "objection_guide"])
def test_another_sellers_workspace_cites_none_of_the_shipped_sellers_facts(
    tmp_path: Path, capability: str
) -> None:
    sample = _run(SAMPLE, capability)
    assert _facts(sample), "the twin: the sample seller's workspace does cite them"
    assert all(w.code != "knowledge_scope" for w in sample.warnings)

    other = tmp_path / "acme"
    shutil.copytree(SAMPLE, other)
    meta = other / "workspace.yaml"
    text = meta.read_text(encoding="utf-8").replace(
        f"seller: {shipped_seller().seller}", "seller: Acme Corp"
    )
    meta.write_text(text, encoding="utf-8")
    response = _run(other, capability)
    assert _facts(response) == []
    assert not any(ref in response.markdown for ref in SELLER_FACTS)
    scope = [w for w in response.warnings if w.code == "knowledge_scope"]
    assert len(scope) == 1 and "Acme Corp" in scope[0].message
