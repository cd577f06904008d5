"""A tiny knowledge folder written per test: fast to ingest, and safe to break on purpose."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

OBJECTION_SECTIONS = [
    "Where it shows up",
    "Root-cause questions",
    "Acknowledge, reframe, respond",
    "Feel, felt, found",
    "Proof points",
    "Bridge back to value",
    "If they are still not satisfied",
    "When and how to escalate",
    "For the economic buyer",
    "For the technical evaluator",
    "For the end user",
    "For procurement",
]
CARD_SECTIONS = [
    "Overview",
    "Strengths",
    "Weaknesses",
    "Landmines to lay",
    "Traps they set",
    "Talking points",
    "Counters to their claims",
    "Win stories",
    "Loss stories",
]


def doc(front: str, sections: list[str], body: str) -> str:
    text = "".join(f"## {s}\n{body} ({s.lower()}).\n\n" for s in sections)
    return f"---\n{front.strip()}\n---\n\n{text}"


def write_small_kb(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "obj-price.md").write_text(
        doc(
            """
id: obj-price
type: objection
title: Your price is too high
stages: [proposal, negotiate]
personas: [economic_buyer, procurement]
category: price
phrasings: ["You're too expensive", "That's over budget"]
""",
            OBJECTION_SECTIONS,
            "When the buyer says the price is too high, ask what they compare it "
            "with and show the cost of doing nothing",
        )
    )
    (folder / "obj-security.md").write_text(
        doc(
            """
id: obj-security
type: objection
title: We cannot put our data in the cloud
stages: [solution]
personas: [technical_evaluator]
category: security
phrasings: ["Our data must stay on premises"]
""",
            OBJECTION_SECTIONS,
            "Security reviewers worry about data residency, encryption and access "
            "control; bring the security pack",
        )
    )
    (folder / "bc-rivalco.md").write_text(
        doc(
            """
id: bc-rivalco
type: battle_card
title: Rivalco battle card
stages: [solution, proposal]
competitors: [Rivalco]
owner: Competitive intelligence team
last_verified: 2026-10-01
""",
            CARD_SECTIONS,
            "Rivalco sells long implementations and rigid licences; plant questions "
            "about time to value",
        )
    )
    return folder


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    return write_small_kb(tmp_path / "kb")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server (evals/chroma_server.py) on loopback for the whole session; the
    tests that need it are skipped, said why, where it cannot start, but CI must run them."""
    import os

    from evals.chroma_server import CannotStart
    from evals.chroma_server import chroma_server as running

    try:
        with running(tmp_path_factory.mktemp("chroma-server")) as url:
            yield url
    except CannotStart as why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the Chroma server tests, but {why}")
        pytest.skip(f"no Chroma server for these tests: {why}")


@pytest.fixture
def no_weights(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The weights package hidden the way an absent one looks to Python: importing it fails and
    importlib.util.find_spec answers None (a None entry in sys.modules does both)."""
    import sys

    from knowledge.embeddings import MODEL_PACKAGE, semantic_available

    monkeypatch.setitem(sys.modules, MODEL_PACKAGE, None)
    semantic_available.cache_clear()
    yield
    semantic_available.cache_clear()
