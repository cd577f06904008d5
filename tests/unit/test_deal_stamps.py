"""One "is this folder unchanged" mechanism for the workspace source: what was found in folders
is kept while their stamps stand, and never while a folder changed within the racy window, so a
second edit inside the clock's tick (the folder's time put back as a coarse clock would) is
still seen."""

from __future__ import annotations

import os
import time
from pathlib import Path

from agent.files import RACY_NS
from tests.conftest import SAMPLE_DEALS
from tools.deal_stamps import Kept, folder_stamps, stamps
from tools.sources import WorkspaceSource

LONG_AGO = 10**18  # ns: a folder edited long before now (settled)


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_kept_while_settled_folders_are_unchanged_and_looked_at_again_otherwise(
    tmp_path: Path,
) -> None:
    (tmp_path / "org").mkdir()
    kept: Kept[list[str]] = Kept()
    calls: list[int] = []

    def find() -> list[str]:
        calls.append(1)
        return _names(tmp_path / "org")

    for folder in (tmp_path, tmp_path / "org"):
        os.utime(folder, ns=(LONG_AGO, LONG_AGO))
    assert kept.get("k", tmp_path, ("org",), find) == []
    assert kept.get("k", tmp_path, ("org",), find) == [] and len(calls) == 1
    (tmp_path / "org" / "a.yaml").write_text("a: 1")  # the folder's time moves: seen
    assert kept.get("k", tmp_path, ("org",), find) == ["a.yaml"] and len(calls) == 2


def test_an_edit_inside_the_racy_window_is_seen_though_the_time_is_put_back(
    tmp_path: Path,
) -> None:
    org = tmp_path / "org"
    org.mkdir()
    kept: Kept[list[str]] = Kept()
    recent = time.time_ns() - RACY_NS // 4  # changed half a second ago: not settled
    os.utime(org, ns=(recent, recent))
    assert stamps(tmp_path, ("org",)) is None
    assert kept.get("k", tmp_path, ("org",), lambda: _names(org)) == []
    (org / "b.yaml").write_text("b: 1")
    os.utime(org, ns=(recent, recent))  # a coarse clock: the same time as the first edit
    assert kept.get("k", tmp_path, ("org",), lambda: _names(org)) == ["b.yaml"]


def test_a_folder_that_is_a_link_is_never_trusted(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "org").symlink_to(tmp_path / "real")
    for folder in (tmp_path, tmp_path / "real"):
        os.utime(folder, ns=(LONG_AGO, LONG_AGO))
    assert stamps(tmp_path, ("real",)) is not None
    assert stamps(tmp_path, ("org",)) is None


def test_a_deal_file_added_inside_the_racy_window_is_seen(sample_copy: Path) -> None:
    """The deal's context: its folder changed just now, so its stamps are not kept and a
    section file added within the same tick (time put back) is found on the next request."""
    deal = SAMPLE_DEALS[0]
    folder = sample_copy / "deals" / deal
    section = next(p for p in sorted(folder.iterdir()) if p.name != "deal.yaml")
    moved = sample_copy.parent / section.name  # outside: no other folder of the deal changes
    section.rename(moved)
    recent = time.time_ns() - RACY_NS // 4
    os.utime(folder, ns=(recent, recent))
    source = WorkspaceSource(sample_copy)
    name = section.stem
    assert getattr(source.load_context(deal), name) is None
    assert folder_stamps(sample_copy, deal) is None
    moved.rename(section)
    os.utime(folder, ns=(recent, recent))
    assert getattr(source.load_context(deal), name) is not None
