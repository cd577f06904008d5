"""Pre-call brief, meeting agenda, objection guide and methodology coaching on every deal."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.contracts import CoachingRequest, CoachingResponse
from agent.contracts.request import Meeting
from agent.errors import InvalidInput
from agent.interfaces.cli.app import app
from agent.service import coach
from agent.settings import CoachContext
from tests.conftest import SAMPLE_DEALS
from tests.graph.checks import assert_grounded_and_contained

CAPABILITIES = ("pre_call_brief", "meeting_agenda", "objection_guide", "methodology_coaching")
CTX = CoachContext(outbox=None)


@cache
def response(capability: str, deal_id: str) -> CoachingResponse:
    return coach(CoachingRequest(capability=capability, deal_id=deal_id), CTX)  # type: ignore[arg-type]


@pytest.mark.parametrize("capability", CAPABILITIES)
@pytest.mark.parametrize("deal_id", SAMPLE_DEALS)
def test_valid_grounded_cited_and_contained(capability: str, deal_id: str) -> None:
    assert_grounded_and_contained(response(capability, deal_id), capability, deal_id)


def test_unknown_attendee_is_a_clear_error() -> None:
    request = CoachingRequest(
        capability="pre_call_brief",
        deal_id="D-1003",
        meeting=Meeting(attendees=["c-owen-marchetti", "c-ghost"]),
    )
    with pytest.raises(InvalidInput, match=r"request.meeting.attendees\[1\].*c-ghost.*c-"):
        coach(request, CTX)


def test_missing_meeting_details_are_assumed_and_said() -> None:
    brief = response("pre_call_brief", "D-1007").result
    assert brief.kind == "pre_call_brief"
    assert len(brief.meeting.assumptions) == 3
    assert all(a in brief.limitations for a in brief.meeting.assumptions)


@pytest.mark.parametrize("minutes", [20, 30, 45, 60, 90])
def test_agenda_fits_the_meeting_and_keeps_the_customer_s_items(minutes: int) -> None:
    asked = ["Commercial terms update", "Implementation timeline"]
    resp = coach(
        CoachingRequest(
            capability="meeting_agenda",
            deal_id="D-1003",
            meeting=Meeting(
                duration_minutes=minutes, customer_agenda=asked, attendees=["c-owen-marchetti"]
            ),
        ),
        CTX,
    )
    result = resp.result
    assert result.kind == "meeting_agenda" and resp.check.passed
    assert sum(i.minutes for i in result.agenda) == minutes
    assert [i.topic for i in result.agenda][1:3] == asked
    sent = " ".join(result.customer_agenda).lower()
    for internal in ("champion", "economic buyer", "risk", "signal", "blocker", "discount"):
        assert internal not in sent


def test_typed_objection_is_matched_to_the_library() -> None:
    resp = coach(
        CoachingRequest(
            capability="objection_guide",
            deal_id="D-1002",
            message="They said we're way too expensive",
        ),
        CTX,
    )
    result = resp.result
    assert result.kind == "objection_guide" and resp.check.passed
    assert result.objections[0].objection_id == "obj-too-expensive"
    assert result.objections[0].likelihood == "high"


def test_unknown_methodology_lists_the_known_ones() -> None:
    request = CoachingRequest(
        capability="methodology_coaching", deal_id="D-1003", methodology="Vibes Selling"
    )
    with pytest.raises(InvalidInput, match="Vibes Selling.*MEDDICC"):
        coach(request, CTX)


def test_cli_commands_for_meeting_preparation() -> None:
    runner = CliRunner()
    brief = runner.invoke(
        app, ["brief", "D-1003", "--attendee", "c-owen-marchetti", "--minutes", "30"]
    )
    assert brief.exit_code == 0, brief.output
    assert "Owen Marchetti" in brief.stdout
    agenda = runner.invoke(
        app,
        [
            "agenda",
            "D-1003",
            "--minutes",
            "30",
            "--agenda-item",
            "Pricing questions",
            "--format",
            "json",
        ],
    )
    parsed = CoachingResponse.model_validate_json(agenda.stdout)
    assert parsed.result.kind == "meeting_agenda"
    typed = runner.invoke(app, ["objections", "D-1002", "--message", "too expensive"])
    assert typed.exit_code == 0 and "expensive" in typed.stdout.lower()
    bad = runner.invoke(app, ["methodology", "D-1003", "--methodology", "Vibes"])
    assert bad.exit_code == 2 and "Vibes" in bad.stderr
    ghost = runner.invoke(app, ["brief", "D-1003", "--attendee", "c-ghost"])
    assert ghost.exit_code == 2 and "c-ghost" in ghost.stderr


def test_a_brief_for_a_deal_without_contacts_says_nobody_is_on_record(
    sample_copy: Path,
) -> None:
    """An imported deal often has no contacts: the crib sheet's "With:" line says so rather
    than standing empty."""
    folder = sample_copy / "deals" / "X-1"
    folder.mkdir()
    (folder / "deal.yaml").write_text(
        "id: X-1\nname: Pilot\naccount: {name: Nordhaus GmbH, industry: Retail}\n"
        "owner: {id: rep-priya, name: Priya Natarajan}\namount: 40000\ncurrency: EUR\n"
        "stage: Discovery\ncreated: 2026-10-01\nexpected_close: 2027-01-31\n"
    )
    answer = coach(
        CoachingRequest(capability="pre_call_brief", deal_id="X-1"),
        CoachContext(workspace=sample_copy, outbox=None),
    )
    assert answer.result.kind == "pre_call_brief"
    (with_line,) = [line for line in answer.result.crib_sheet if line.startswith("With:")]
    assert with_line == "With: nobody from the customer is on record yet"


@pytest.mark.parametrize("deal_id", SAMPLE_DEALS)
def test_the_opening_is_said_to_the_customer_not_read_from_the_reps_notes(deal_id: str) -> None:
    """The last activity's summary is the rep's note (D-1003's: "Owen hesitant - she is in
    budget season"): the opening names the conversation by its kind and date instead, and the
    objective keeps its names' case ("with Bethany Cole", not "with bethany cole")."""
    r = response("meeting_agenda", deal_id)
    result = r.result
    deal = coach(CoachingRequest(capability="next_best_action", deal_id=deal_id), CTX)
    assert deal.result.snapshot  # the deal answers
    opening = result.opening
    last = result.citations[-1] if result.citations[-1].startswith("deal.activities[") else None
    if last is not None:
        from tools.sources import workspace_source

        index = int(last.split("[")[1].rstrip("]"))
        summary = workspace_source(CTX.workspace).get_deal(deal_id).activities[index].summary
        assert summary[:40] not in opening
        assert "Picking up from our " in opening
    assert result.meeting.objective[1:] in opening
