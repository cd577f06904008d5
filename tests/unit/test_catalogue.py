"""The workspace catalogue (tools/catalogue.py): a changed, an added and a deleted deal are seen;
a corrupt deal file is reported, not fatal; unchanged deals are not read again, even by a new
process; scoping to a principal reads the catalogue exactly as it read the files."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import pytest

import tools.catalogue as catalogue_module
from agent.contracts.principal import Principal
from tools.catalogue import store_path
from tools.sources import WorkspaceSource


@pytest.fixture
def workspace(sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "home"))  # the catalogue's file goes here
    return sample_copy


def _touch_later(path: Path) -> None:
    """Moves the modification time on, so an edit within the clock's tick is still seen."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    import tools.workspace_files

    reads: list[Path] = []
    real = tools.workspace_files.read_document

    def counting(path: Path) -> object:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(tools.workspace_files, "read_document", counting)
    return reads


def test_changed_added_and_deleted_deals_are_seen(workspace: Path) -> None:
    source = WorkspaceSource(workspace)
    before = {d.id: d for d in source.list_deals()}
    first, second, third = sorted(before)[:3]

    deal = workspace / "deals" / first / "deal.yaml"
    text = deal.read_text()
    stage = before[first].stage
    deal.write_text(text.replace(f"stage: {stage}\n", "stage: Renamed stage\n", 1))
    _touch_later(deal)
    shutil.copytree(workspace / "deals" / second, workspace / "deals" / "NEW-1")
    new = workspace / "deals" / "NEW-1" / "deal.yaml"
    new.write_text(new.read_text().replace(f"id: {second}\n", "id: NEW-1\n", 1))
    shutil.rmtree(workspace / "deals" / third)

    after = {d.id: d for d in source.list_deals()}
    assert after[first].stage == "Renamed stage"
    assert "NEW-1" in after and after["NEW-1"].name == before[second].name
    assert third not in after and third not in source.deal_ids()
    assert set(after) == set(before) - {third} | {"NEW-1"}


def test_a_corrupt_deal_is_reported_and_the_others_still_list(
    workspace: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = WorkspaceSource(workspace)
    ids = source.deal_ids()
    broken = workspace / "deals" / ids[1] / "deal.yaml"
    broken.write_text("id: [unclosed\n")
    _touch_later(broken)
    with caplog.at_level(logging.WARNING):
        listed = [d.id for d in source.list_deals()]
    assert listed == [d for d in ids if d != ids[1]]
    assert any(ids[1] in r.getMessage() and "left out" in r.getMessage() for r in caplog.records)
    assert ids[1] in source.deal_ids()  # still a deal folder: asking for it names the problem
    assert not source.scoped(Principal.parse("rep-anyone")).list_deals()


def test_unchanged_deals_are_not_read_again_even_by_a_new_source(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    WorkspaceSource(workspace).list_deals()
    assert store_path(workspace).is_file()
    reads = _count_reads(monkeypatch)
    fresh = WorkspaceSource(workspace)  # as a new process would: from the stored file
    listed = fresh.list_deals()
    assert len(listed) >= 12 and reads == []
    edited = workspace / "deals" / listed[0].id / "deal.yaml"
    _touch_later(edited)
    fresh.list_deals()
    assert reads == [edited]


def test_a_rep_request_reads_only_that_reps_deals(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = WorkspaceSource(workspace)
    owners = {d: source.get_deal(d).owner.id for d in source.deal_ids()}
    rep = sorted(set(owners.values()))[0]
    mine = sorted(d for d, o in owners.items() if o == rep)
    source.deal_ids()  # a full check just ran: the next rep request refreshes only its deals
    reads = _count_reads(monkeypatch)
    for deal_id in owners:
        _touch_later(workspace / "deals" / deal_id / "deal.yaml")
    assert source.rep_deal_ids(rep) == mine
    assert sorted(p.parent.name for p in reads) == mine
    # a deal folder added for the rep is seen at once (the deals/ folder changed)
    shutil.copytree(workspace / "deals" / mine[0], workspace / "deals" / "ADDED-1")
    added = workspace / "deals" / "ADDED-1" / "deal.yaml"
    added.write_text(added.read_text().replace(f"id: {mine[0]}\n", "id: ADDED-1\n", 1))
    assert source.rep_deal_ids(rep) == sorted([*mine, "ADDED-1"])


def test_scoping_through_the_catalogue(workspace: Path) -> None:
    source = WorkspaceSource(workspace)
    owners = {d: source.get_deal(d).owner.id for d in source.deal_ids()}
    reps = sorted(set(owners.values()))
    other = next(d for d, o in sorted(owners.items()) if o != reps[0])
    (workspace / "org" / "access.yaml").write_text(f"deals:\n  {reps[0]}: [{other}]\n")
    fresh = WorkspaceSource(workspace)
    view = fresh.scoped(Principal.parse(reps[0]))
    own = sorted(d for d, o in owners.items() if o == reps[0])
    assert view.deal_ids() == sorted([*own, other])
    assert [d.id for d in view.list_deals()] == sorted([*own, other])
    assert view.rep_deal_ids(reps[0]) == own
    assert view.rep_deal_ids(owners[other]) == [other]  # granted, not the rest of theirs
    third = next(r for r in reps if r not in (reps[0], owners[other]))
    assert view.rep_deal_ids(third) == []  # another rep's deals are not reachable
    assert view.rep_ids() == sorted({reps[0], owners[other]})
    assert fresh.scoped(Principal.parse(f"elsewhere/{reps[0]}")).deal_ids() == []


def test_a_catalogue_file_that_does_not_read_is_rebuilt(workspace: Path) -> None:
    WorkspaceSource(workspace).list_deals()
    store_path(workspace).write_text("{not json")
    assert len(WorkspaceSource(workspace).list_deals()) >= 12
    stored = json.loads(store_path(workspace).read_text())
    assert stored["format"] == catalogue_module.FORMAT and len(stored["deals"]) >= 12
