"""Workspace reading: valid files load; every bad file gets one message naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import DealNotFound, InvalidInput
from tests.conftest import SAMPLE, SAMPLE_DEALS, rename_deal
from tools.sources import WorkspaceSource


def test_sample_workspace_has_varied_deals() -> None:
    source = WorkspaceSource(SAMPLE)
    deals = source.list_deals()
    assert len(deals) >= 12
    assert len({d.stage for d in deals}) >= 5
    assert len({d.currency for d in deals}) >= 2
    contexts = [source.load_context(d) for d in SAMPLE_DEALS]
    counts = [8 - len(c.absent_sections()) for c in contexts]
    assert max(counts) == 8 and min(counts) <= 2  # some complete, some sparse


def test_org_sections_apply_to_every_deal_and_sources_are_recorded() -> None:
    ctx = WorkspaceSource(SAMPLE).load_context(SAMPLE_DEALS[0])
    assert ctx.process is not None and ctx.analytics is not None
    assert ctx.sources["process"].endswith("org/process.yaml")


def test_missing_deal_names_the_id_and_where_it_looked() -> None:
    with pytest.raises(DealNotFound) as err:
        WorkspaceSource(SAMPLE).load_context("D-0000")
    message = str(err.value)
    assert "D-0000" in message and str(SAMPLE / "deals") in message and SAMPLE_DEALS[0] in message


def test_invalid_field_names_file_and_path(sample_copy: Path) -> None:
    deal_file = sample_copy / "deals" / SAMPLE_DEALS[0] / "deal.yaml"
    text = deal_file.read_text()
    deal_file.write_text(text.replace("currency: ", "currency: DOLLARS #", 1))
    with pytest.raises(InvalidInput) as err:
        WorkspaceSource(sample_copy).load_context(SAMPLE_DEALS[0])
    assert str(deal_file) in str(err.value) and "currency" in str(err.value)


def test_yaml_syntax_error_names_the_line(sample_copy: Path) -> None:
    risk = sample_copy / "deals" / SAMPLE_DEALS[0] / "risk.yaml"
    risk.write_text("overall_severity: high\nfactors: [unclosed\n")
    with pytest.raises(InvalidInput, match=r"risk\.yaml:\d+"):
        WorkspaceSource(sample_copy).load_context(SAMPLE_DEALS[0])


def test_unknown_participant_is_rejected_with_its_path(sample_copy: Path) -> None:
    deal_file = sample_copy / "deals" / SAMPLE_DEALS[0] / "deal.yaml"
    text = deal_file.read_text().replace("participants: [", "participants: [c-nobody, ", 1)
    deal_file.write_text(text)
    with pytest.raises(InvalidInput, match=r"activities\[\d+\]\.participants: 'c-nobody'"):
        WorkspaceSource(sample_copy).load_context(SAMPLE_DEALS[0])


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00bad"])
def test_empty_or_non_utf8_files(sample_copy: Path, content: bytes) -> None:
    (sample_copy / "deals" / SAMPLE_DEALS[0] / "discovery.yaml").write_bytes(content)
    with pytest.raises(InvalidInput, match="discovery.yaml"):
        WorkspaceSource(sample_copy).load_context(SAMPLE_DEALS[0])


def test_edits_are_picked_up_without_restart(sample_copy: Path) -> None:
    source = WorkspaceSource(sample_copy)
    deal_id = SAMPLE_DEALS[0]
    before = source.get_deal(deal_id).amount
    deal_file = sample_copy / "deals" / deal_id / "deal.yaml"
    deal_file.write_text(deal_file.read_text().replace(f"amount: {int(before)}", "amount: 7", 1))
    assert source.get_deal(deal_id).amount == 7


def test_folder_and_id_must_agree(sample_copy: Path) -> None:
    src = sample_copy / "deals" / SAMPLE_DEALS[0]
    src.rename(sample_copy / "deals" / "D-RENAMED")
    with pytest.raises(InvalidInput, match="does not match its folder name"):
        WorkspaceSource(sample_copy).get_deal("D-RENAMED")


def _age(root: Path) -> None:
    """Times set back, as in a workspace not edited just now (the quick check trusts only
    folders older than its racy window): every file's to one fixed time, so a file keeps its
    stamp unless its size changed, and every folder's to a minute ago (a new time each call)."""
    import os
    import time

    folders = time.time() - 60
    for path in [root, *root.rglob("*")]:
        then = folders if path.is_dir() else 1_700_000_000
        os.utime(path, (then, then))


def test_a_warm_context_is_reloaded_when_a_section_file_is_added_or_edited(
    sample_copy: Path,
) -> None:
    deal_id = SAMPLE_DEALS[0]
    folder = sample_copy / "deals" / deal_id
    _age(sample_copy)
    source = WorkspaceSource(sample_copy)
    first = source.load_context(deal_id)
    assert source.load_context(deal_id) is first  # nothing changed: the kept context
    moved = folder / "risk.yaml"
    kept = moved.read_text()
    moved.unlink()
    _age(sample_copy)  # a removal is seen from the file's stat, whatever its folder's time
    without = source.load_context(deal_id)
    assert without is not first and without.risk is None
    (folder / "risk.yml").write_text(kept)  # a file added: the folder's time changed
    _age(sample_copy)
    again = source.load_context(deal_id)
    assert again.risk is not None and again.sources["risk"].endswith("risk.yml")
    _age(sample_copy)
    deal_file = folder / "deal.yaml"
    amount = int(again.deal.amount)
    deal_file.write_text(deal_file.read_text().replace(f"amount: {amount}", "amount: 7", 1))
    _age(sample_copy)  # an edit whose time was set back is still seen: its size changed
    assert source.load_context(deal_id).deal.amount == 7


def test_workspace_settings_follow_edits(sample_copy: Path) -> None:
    _age(sample_copy)
    source = WorkspaceSource(sample_copy)
    assert source.settings == source.settings
    settings = sample_copy / "workspace.yaml"
    settings.write_text(settings.read_text() + "\nseller: Someone Else Ltd\n")
    _age(sample_copy)
    assert source.settings["seller"] == "Someone Else Ltd"


def test_a_deal_whose_files_are_reached_through_a_link_is_checked_in_full(
    sample_copy: Path,
) -> None:
    """A link inside the workspace may lead elsewhere later without its folder changing:
    such a deal never takes the quick check, so where each link leads is checked every time."""
    deal_id = SAMPLE_DEALS[0]
    folder = sample_copy / "deals" / deal_id
    (sample_copy / "shared").mkdir()
    (folder / "risk.yaml").rename(sample_copy / "shared" / "risk.yaml")
    (folder / "risk.yaml").symlink_to(sample_copy / "shared" / "risk.yaml")
    _age(sample_copy)
    source = WorkspaceSource(sample_copy)
    assert source.load_context(deal_id).risk is not None
    assert source._contexts.peek(deal_id)[0][0] is None  # no folder stamps: the full check
    plain = SAMPLE_DEALS[1]
    source.load_context(plain)
    assert source._contexts.peek(plain)[0][0] is not None


def test_workspace_and_org_files_are_found_once_while_their_folders_are_unchanged(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """workspace.yaml and org/ files are looked for again only when a folder's entries change
    (its time), and never while a folder changed in the last two seconds."""
    import os

    source = WorkspaceSource(sample_copy)
    org = sample_copy / "org"
    probes: list[str] = []
    find = source._find
    monkeypatch.setattr(source, "_find", lambda f, s, *a: probes.append(s) or find(f, s, *a))
    os.utime(org)  # just changed: not kept
    assert source._found(org, "process") == org / "process.yaml"
    assert source._found(org, "process") == org / "process.yaml"
    assert probes == ["process", "process"]
    for folder in (sample_copy, org):
        os.utime(folder, ns=(10**18, 10**18))  # long settled
    probes.clear()
    for _ in range(3):
        assert source._found(org, "process") == org / "process.yaml"
        assert source.settings == WorkspaceSource(sample_copy).settings
    assert probes == ["process", "workspace"]
    (org / "process.yaml").rename(org / "process.json")  # the folder's time moves
    assert source._found(org, "process") == org / "process.json"
    (sample_copy / "workspace.yaml").unlink()
    assert source.settings == {}


def test_a_deal_listed_once_finds_the_same_files_and_refuses_a_link_out(
    sample_copy: Path, tmp_path: Path
) -> None:
    """The deal's files come from one listing of its folder; a section file that is a link
    leading out of the workspace is still refused."""
    source = WorkspaceSource(sample_copy)
    deal = SAMPLE_DEALS[0]
    files = dict(source._files(deal))
    folder = sample_copy / "deals" / deal
    assert files["deal"] == folder / "deal.yaml"
    for section, path in files.items():
        own = sorted(folder.glob(f"{section}.*"))
        assert path == (own[0] if own else path), section
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((folder / "deal.yaml").read_text())
    (folder / "value.yaml").unlink(missing_ok=True)
    (folder / "value.yaml").symlink_to(outside)
    with pytest.raises(InvalidInput, match="outside the workspace"):
        source._files(deal)


def test_a_long_running_source_keeps_a_bounded_number_of_deals_and_parsed_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process that reads every deal (a server, a batch over thousands of deals) holds at
    most KEPT_DEALS deal contexts and PARSED_FILES parsed files, the most recently used, so
    its memory does not grow with the workspace; a deal dropped loads again, the same."""
    import tools.sources
    import tools.workspace_files

    monkeypatch.setattr(tools.sources, "KEPT_DEALS", 3)
    monkeypatch.setattr(tools.workspace_files, "PARSED_FILES", 5)
    source = WorkspaceSource(SAMPLE)
    first = source.load_context(SAMPLE_DEALS[0])
    for deal_id in SAMPLE_DEALS[1:]:
        source.load_context(deal_id)
    assert len(source._contexts) == 3 and len(source._cache) == 5
    last = SAMPLE_DEALS[-1]
    assert source.load_context(last) is source.load_context(last)  # the most recent stay
    again = source.load_context(SAMPLE_DEALS[0])
    assert again is not first and again == first


def test_a_message_names_a_deal_by_a_crm_s_own_id(sample_copy: Path) -> None:
    """Ids of any shape a CRM gives (Maven's "00400B1S", Salesforce's mixed-case ones) are
    found in a message by the workspace's folders, as written or upper-cased; a word that
    names no deal, a short number, or a deal the principal may not reach is not one."""
    from agent.contracts.principal import Principal

    rename_deal(sample_copy, "D-1003", "00400B1S")
    rename_deal(sample_copy, "D-1004", "0065e00000XyZab")
    source = WorkspaceSource(sample_copy)
    assert source.deal_named("what should I do next on 00400b1s?") == "00400B1S"
    assert source.deal_named("and 0065e00000XyZab, the renewal") == "0065e00000XyZab"
    assert source.deal_named("call them in 3 days about the 2026 budget, Q3") is None
    assert source.deal_named("what about 0065E00000XYZAB?") is None  # not its spelling
    tom = source.scoped(Principal(id="rep-tom"))  # D-1004's owner, not D-1003's
    assert tom.deal_named("next on 00400B1S") is None
    assert tom.deal_named("next on 0065e00000XyZab") == "0065e00000XyZab"
