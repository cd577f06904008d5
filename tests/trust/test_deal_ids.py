"""Deal ids name a folder under deals/ and nothing else: a path, a hidden name or an over-long
id is refused with one message, and a folder or file linked out of the workspace never loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agent.errors import DealNotFound, InvalidInput
from tests.conftest import SAMPLE_DEALS
from tests.factories import make_context
from tools.deal_ids import check_deal_id
from tools.deal_source import InlineSource
from tools.sources import WorkspaceSource

BAD_IDS = [
    "../planted/deals/EVIL",
    "..",
    ".hidden",
    "D-1/../../x",
    "/etc/passwd",
    "D 1003",
    "D-1003\x00",
    "x" * 65,
    "",
    "D-1003\n",
    "ü-1",
]


@pytest.mark.parametrize("deal_id", BAD_IDS)
def test_an_id_that_is_not_a_plain_name_is_refused(deal_id: str, sample_copy: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        WorkspaceSource(sample_copy).load_context(deal_id)
    assert "not a valid deal id" in str(err.value)
    assert len(str(err.value)) < 300  # an id is never echoed at length


@pytest.mark.parametrize("deal_id", ["D-1003", "acme_2026.q4", "7", "x" * 64])
def test_plain_ids_pass(deal_id: str) -> None:
    assert check_deal_id(deal_id) == deal_id


def _plant(tmp_path: Path) -> Path:
    """A deal outside the workspace, as an attacker would leave it."""
    outside = tmp_path / "planted" / "deals" / "EVIL"
    outside.mkdir(parents=True)
    (outside / "deal.yaml").write_text("id: EVIL\n")
    return outside


def test_a_symlinked_deal_folder_is_refused_and_not_listed(
    sample_copy: Path, tmp_path: Path
) -> None:
    outside = _plant(tmp_path)
    (sample_copy / "deals" / "EVIL").symlink_to(outside, target_is_directory=True)
    source = WorkspaceSource(sample_copy)
    assert "EVIL" not in source.deal_ids()
    assert SAMPLE_DEALS[0] in source.deal_ids()
    with pytest.raises(InvalidInput, match="outside deals/"):
        source.load_context("EVIL")


def test_a_symlinked_deal_file_or_section_is_refused(sample_copy: Path, tmp_path: Path) -> None:
    outside = _plant(tmp_path)
    folder = sample_copy / "deals" / SAMPLE_DEALS[0]
    (folder / "risk.yaml").unlink(missing_ok=True)
    (folder / "risk.yaml").symlink_to(outside / "deal.yaml")
    with pytest.raises(InvalidInput, match="outside the workspace"):
        WorkspaceSource(sample_copy).load_context(SAMPLE_DEALS[0])
    deal_file = folder / "deal.yaml"
    shutil.move(deal_file, tmp_path / "moved.yaml")
    deal_file.symlink_to(tmp_path / "moved.yaml")
    with pytest.raises(InvalidInput, match="outside the workspace"):
        WorkspaceSource(sample_copy).get_deal(SAMPLE_DEALS[0])


def test_a_link_inside_the_workspace_still_reads(sample_copy: Path) -> None:
    folder = sample_copy / "deals" / SAMPLE_DEALS[0]
    shared = sample_copy / "shared-risk.yaml"
    if (folder / "risk.yaml").exists():
        shutil.move(folder / "risk.yaml", shared)
        (folder / "risk.yaml").symlink_to(shared)
    assert WorkspaceSource(sample_copy).load_context(SAMPLE_DEALS[0]).deal.id == SAMPLE_DEALS[0]


def test_inline_payloads_are_checked_alike() -> None:
    ctx = make_context(deal={"id": "../EVIL"})
    with pytest.raises(InvalidInput, match="request.deal.deal.id"):
        InlineSource(ctx)
    good = InlineSource(make_context())
    with pytest.raises(InvalidInput):
        good.load_context("../x")
    with pytest.raises(DealNotFound):
        good.load_context("D-0000")
