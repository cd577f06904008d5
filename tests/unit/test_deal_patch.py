"""Writing a debrief's patch into a deal file: round-trip, validated, atomic, never twice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from agent.contracts.deal import Activity, Deal
from agent.contracts.deal_patch import ContactUpdate, DealPatch
from agent.errors import InvalidInput
from tools.deal_patch import apply_patch

DAY = dt.date(2026, 11, 18)


def patch(deal_id: str = "D-1003", participants: list[str] | None = None) -> DealPatch:
    return DealPatch(
        deal_id=deal_id,
        transcript_source="2026-11-18-call.txt",
        add_activity=Activity(
            id="a12",
            type="call",
            date=DAY,
            participants=participants or ["rep-priya", "c-owen-marchetti"],
            summary="Call with Owen Marchetti. (From transcript 2026-11-18-call.txt.)",
            outcome="neutral",
        ),
        contact_updates=[ContactUpdate(contact_id="c-owen-marchetti", last_contact=DAY)],
        add_competitors=["Nimbra"],
    )


def test_yaml_keeps_comments_and_formatting(sample_copy: Path) -> None:
    path = sample_copy / "deals" / "D-1003" / "deal.yaml"
    path.chmod(0o644)
    before = path.read_text()
    apply_patch(path, patch())
    assert path.stat().st_mode & 0o777 == 0o644  # still readable by the team
    after = path.read_text()
    assert after.startswith(before.splitlines()[0])  # the scenario comment survives
    assert after.count("\n") > before.count("\n")
    removed = set(before.splitlines()) - set(after.splitlines())
    assert removed == {"    last_contact: 2026-11-17"}  # the only line that changed
    deal = Deal.model_validate(yaml.safe_load(after))
    assert deal.activities[-1].id == "a12" and deal.activities[-1].date == DAY
    owen = next(c for c in deal.contacts if c.id == "c-owen-marchetti")
    assert owen.last_contact == DAY and deal.competitors == ["Helixor", "Nimbra"]
    assert "participants: [rep-priya, c-owen-marchetti]" in after


def test_applying_twice_is_refused_and_changes_nothing(sample_copy: Path) -> None:
    path = sample_copy / "deals" / "D-1003" / "deal.yaml"
    apply_patch(path, patch())
    once = path.read_text()
    again = patch().model_copy(
        update={"add_activity": patch().add_activity.model_copy(update={"id": "a13"})}
    )
    with pytest.raises(InvalidInput, match="already in the deal as activity 'a12'"):
        apply_patch(path, again)
    assert path.read_text() == once


def test_an_invalid_result_is_never_written(sample_copy: Path) -> None:
    path = sample_copy / "deals" / "D-1003" / "deal.yaml"
    before = path.read_text()
    with pytest.raises(InvalidInput, match="would be invalid"):
        apply_patch(path, patch(participants=["c-nobody"]))
    assert path.read_text() == before
    temps = [p.name for p in path.parent.iterdir() if p.name.startswith(".deal")]
    assert [t for t in temps if not t.endswith(".lock")] == []  # the lock file stays, empty


def test_wrong_deal_and_json_files(sample_copy: Path, tmp_path: Path) -> None:
    path = sample_copy / "deals" / "D-1003" / "deal.yaml"
    with pytest.raises(InvalidInput, match="does not hold deal 'D-9999'"):
        apply_patch(path, patch("D-9999"))
    as_json = tmp_path / "deal.json"
    as_json.write_text(json.dumps(yaml.safe_load(path.read_text()), default=str))
    apply_patch(as_json, patch())
    assert json.loads(as_json.read_text())["activities"][-1]["date"] == "2026-11-18"


def test_next_step_and_stage_move_are_written(sample_copy: Path) -> None:
    path = sample_copy / "deals" / "D-1003" / "deal.yaml"
    moved = patch().model_copy(
        update={
            "next_step": "Send best-and-final",
            "next_step_date": dt.date(2026, 11, 25),
            "advance_stage_to": "Closed Won",
        }
    )
    apply_patch(path, moved)
    deal = Deal.model_validate(yaml.safe_load(path.read_text()))
    assert deal.next_step == "Send best-and-final"
    assert deal.next_step_date == dt.date(2026, 11, 25)
    assert deal.stage == "Closed Won" and deal.stage_history[-1].entered == DAY


def test_a_concurrent_writer_is_merged_not_overwritten(sample_copy: Path) -> None:
    """Two analyses read the same file; the second applies after the first wrote: both calls
    are in the file, under different ids, and the result says it merged."""
    from agent.files import version

    path = sample_copy / "deals" / "D-1003" / "deal.yaml"
    read = version(path)
    first = apply_patch(path, patch(), read)
    other = patch().model_copy(deep=True)
    other.transcript_source = "2026-11-19-call.txt"
    other.add_activity.summary = "Call. (From transcript 2026-11-19-call.txt.)"
    second = apply_patch(path, other, read)
    assert not first.merged and second.merged
    assert first.activity_id == "a12" and second.activity_id == "a13"
    deal = Deal.model_validate(yaml.safe_load(path.read_text()))
    assert [a.id for a in deal.activities][-2:] == ["a12", "a13"]
    assert "id: a13" in second.diff and "2026-11-19-call.txt" in second.diff


def test_a_stage_changed_meanwhile_is_never_moved_back(sample_copy: Path) -> None:
    path = sample_copy / "deals" / "D-1003" / "deal.yaml"
    stage = str(yaml.safe_load(path.read_text())["stage"])
    moved = patch().model_copy(update={"advance_stage_to": "Closed Won", "stage_from": "Discovery"})
    assert stage != "Discovery"  # another writer moved it since the analysis read Discovery
    applied = apply_patch(path, moved)
    deal = Deal.model_validate(yaml.safe_load(path.read_text()))
    assert deal.stage == stage and deal.activities[-1].id == "a12"  # the call is still logged
    assert any("stage left at" in n for n in applied.notes)
