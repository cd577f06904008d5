"""Process adherence steps where the CRM fields are silent (capabilities/process_adherence/
steps.py): a manual criterion read from the text, an activity held but not logged, a record
whose history was not carried over, and what a stage the deal left may count as its evidence.
Synthetic deals, worded unlike the eval scenarios."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent.analysis import analyze_deal
from agent.capabilities.process_adherence.build import ProcessInUse, assess, check_steps
from agent.capabilities.process_adherence.contract import StepCheck
from agent.contracts.context import DealContext
from knowledge.plays import load_plays
from tests.factories import AS_OF, activity, contact, days_ago

PLAYS = load_plays()


def process() -> dict[str, Any]:
    """Scope -> Evaluate -> Commercials, with a manual criterion and a required workshop."""
    return {
        "name": "Three Step Motion",
        "stages": [
            {
                "name": "Scope",
                "phase": "discover",
                "expected_days": 20,
                "exit_criteria": [
                    {"id": "sc-nda", "description": "Mutual NDA countersigned by the customer"}
                ],
                "required_activities": [
                    {
                        "id": "sc-walk",
                        "description": "Value stream workshop with the planners",
                        "activity_types": ["workshop"],
                    },
                    {
                        "id": "sc-intro",
                        "description": "Introductory meeting",
                        "activity_types": ["meeting", "call"],
                    },
                ],
            },
            {
                "name": "Evaluate",
                "phase": "solution",
                "expected_days": 30,
                "exit_criteria": [
                    {"id": "ev-demo", "description": "Demo delivered", "check": "demo_completed"},
                    {"id": "ev-ref", "description": "Reference call with a peer customer held"},
                ],
            },
            {"name": "Commercials", "phase": "proposal", "expected_days": 20},
        ],
    }


def deal(notes: Sequence[str] = (), activities: list[dict[str, Any]] | None = None) -> DealContext:
    """In Commercials since 10 days ago; Scope 90-60 days ago, Evaluate 60-10 days ago."""
    return DealContext.model_validate(
        {
            "deal": {
                "id": "T-7",
                "name": "Test deal",
                "account": {"name": "Testco Industries", "industry": "Manufacturing"},
                "owner": {"id": "rep-1", "name": "Rita Seller"},
                "amount": 100000,
                "currency": "USD",
                "stage": "Commercials",
                "stage_history": [
                    {"stage": "Scope", "entered": days_ago(90)},
                    {"stage": "Evaluate", "entered": days_ago(60)},
                    {"stage": "Commercials", "entered": days_ago(10)},
                ],
                "created": days_ago(90),
                "expected_close": days_ago(-40),
                "contacts": [
                    contact("c-ines", "Ines Duarte", "champion"),
                    contact("c-omar", "Omar Haddad", "economic_buyer"),
                ],
                "activities": activities
                if activities is not None
                else [
                    activity("a1", 85, ["c-ines", "rep-1"], "call"),
                    activity("a2", 40, ["c-ines", "c-omar", "rep-1"], "demo"),
                ],
                "notes": [{"date": days_ago(5), "author": "rep-1", "text": t} for t in notes],
            },
            "process": process(),
        }
    )


def steps(ctx: DealContext) -> dict[str, StepCheck]:
    assert ctx.process is not None
    analysis = analyze_deal(ctx, AS_OF)
    found = check_steps(ctx, analysis, ProcessInUse(ctx.process, "deal"), PLAYS)
    return {s.step_id: s for s in found}


# --- a manual criterion of a stage the deal left -------------------------------------------


def test_a_manual_step_nothing_speaks_of_is_unknown_and_the_rep_is_asked() -> None:
    step = steps(deal(["Omar wants the pricing in two options."]))["sc-nda"]
    assert step.status == "unknown"
    assert step.correction and "Rita Seller" in step.correction and "confirm" in step.correction


def test_a_manual_step_the_text_says_was_done_is_done_with_its_quote() -> None:
    for note in ("Legal countersigned the mutual NDA on Monday.", "NDA came back countersigned."):
        step = steps(deal([note]))["sc-nda"]
        assert step.status == "done", note
        assert "deal.notes[0].text" in step.citations and note.split(" on ")[0] in step.evidence


def test_a_manual_step_the_text_says_was_not_done_is_missed() -> None:
    for note in ("The NDA has not been countersigned yet.", "Their NDA is still pending."):
        assert steps(deal([note]))["sc-nda"].status == "missed", note


def test_a_mention_of_the_manual_step_alone_leaves_it_unknown() -> None:
    assert steps(deal(["Ines asked about the NDA template."]))["sc-nda"].status == "unknown"


def test_the_current_stage_manual_step_stays_a_check_by_hand() -> None:
    ctx = deal().model_copy(deep=True)
    ctx.deal.stage = "Evaluate"
    assert steps(ctx)["ev-ref"].status == "manual"


# --- an activity held but not logged ----------------------------------------------------------


def test_a_workshop_a_note_says_was_held_is_done_and_to_be_logged() -> None:
    note = f"Ran the value stream workshop with Ines and Omar on {days_ago(70)} at their plant."
    found = steps(deal([note]))
    step = found["sc-walk"]
    assert step.status == "done" and "deal.notes[0].text" in step.citations
    assert step.correction and step.correction.startswith("Log the workshop")
    assert any("Log the workshop" in c for c in _corrections(deal([note])))


def test_a_workshop_only_proposed_in_a_note_is_missed() -> None:
    note = "Proposed a value stream workshop to Ines; she will check dates."
    assert steps(deal([note]))["sc-walk"].status == "missed"


def test_a_plain_meeting_in_a_note_needs_the_steps_own_words() -> None:
    """'had a meeting' is too common to stand for a named step; a workshop is not."""
    none_logged: list[dict[str, Any]] = []
    vague = steps(deal([f"Had a meeting with Ines on {days_ago(80)}."], none_logged))
    assert vague["sc-intro"].status == "missed"
    named = steps(deal([f"Had the introductory meeting with Ines on {days_ago(80)}."], none_logged))
    assert named["sc-intro"].status == "done"


# --- what a stage the deal left can count ----------------------------------------------------


def test_a_stage_left_behind_counts_only_what_happened_before_it_was_left() -> None:
    """A call in Commercials is no introductory meeting for Scope."""
    late = [activity("a1", 5, ["c-ines", "rep-1"], "call")]
    step = steps(deal([], late))["sc-intro"]
    assert step.status == "missed" and "came after" in step.evidence


# --- a record whose history was not carried over --------------------------------------------


MIGRATED = (
    f"Deal moved over from Salesforce on {days_ago(30)}; older activities did not come across."
)


def test_after_a_migration_earlier_absences_are_unknown_not_missed() -> None:
    logged = [activity("a9", 20, ["c-ines", "rep-1"], "meeting")]
    found = steps(deal([MIGRATED], logged))
    for step_id in ("sc-walk", "ev-demo"):
        assert found[step_id].status == "unknown", step_id
        assert "deal.notes[0].text" in found[step_id].citations
    assert found["sc-nda"].status == "unknown"


def test_without_the_migration_note_the_same_absences_are_missed() -> None:
    logged = [activity("a9", 20, ["c-ines", "rep-1"], "meeting")]
    found = steps(deal(["Omar prefers calls on Fridays."], logged))
    assert found["sc-walk"].status == "missed" and found["ev-demo"].status == "missed"


def test_the_migration_is_shared_with_the_analysis() -> None:
    logged = [activity("a9", 20, ["c-ines", "rep-1"], "meeting")]
    analysis = analyze_deal(deal([MIGRATED], logged), AS_OF)
    assert analysis.record_gap is not None and analysis.record_gap.until.isoformat() == days_ago(30)
    assert not [c for c in analysis.earlier_unmet if c.id == "ev-demo"]
    plain = analyze_deal(deal(["Omar prefers calls on Fridays."], logged), AS_OF)
    assert [c.id for c in plain.earlier_unmet] == ["ev-demo"]


def _corrections(ctx: DealContext) -> list[str]:
    assert ctx.process is not None
    analysis = analyze_deal(ctx, AS_OF)
    process = ProcessInUse(ctx.process, "deal")
    return assess(ctx, analysis, process, PLAYS, []).corrections
