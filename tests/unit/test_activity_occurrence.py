"""A logged activity that did not take place (agent/reading/occurrence.py) and what it may no
longer prove: the step it was for (analysis/evidence_record.py, step_evidence.py, the process
adherence steps), nor anyone's engagement (analysis/engagement.py). Outcomes worded the way
different CRMs and reps word them, and text that shares their words but says the meeting was
held, or speaks of something else."""

from __future__ import annotations

import datetime as dt

import pytest

from agent.analysis import analyze_deal
from agent.analysis.engagement import stakeholder_engagement
from agent.analysis.model import StakeholderEngagement
from agent.analysis.step_evidence import held_in_text, logged_held
from agent.contracts.deal import Activity, ActivityType
from agent.reading.occurrence import not_held, not_held_in, took_place
from agent.reading.outreach import is_one_way, outcome_of
from tests.factories import AS_OF, activity, make_context
from tests.unit.test_process_steps import deal, steps


def logged(
    outcome: str | None, summary: str = "Demo of the dispatch board", kind: ActivityType = "demo"
) -> Activity:
    return Activity(
        id="a1",
        type=kind,
        date=AS_OF - dt.timedelta(days=6),
        participants=["c-ann", "rep-1"],
        summary=summary,
        outcome=outcome,
    )


# --- the words: did it take place? ------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("No-show", "no_show"),
        ("NS – resched", "no_show"),
        ("No show - nobody from the depot dialled in. To rebook.", "no_show"),
        ("Customer no-show, will rebook", "no_show"),
        ("nobody from the plant joined", "no_show"),
        ("None of them turned up; waited 20 min", "no_show"),
        ("They didn't show up.", "no_show"),
        ("Cancelled by the customer (audit week)", "called_off"),
        ("Postponed - to rebook after the holidays", "called_off"),
        ("The workshop did not take place: plant shutdown", "called_off"),
        ("It was called off at short notice", "called_off"),
        ("Needs rebooking", "called_off"),
        ("Moved to Thursday", "moved"),
        ("moved to 12/3", "moved"),
        ("Pushed to next week at their request", "moved"),
        ("Rescheduled to the 14th", "moved"),
    ],
)
def test_an_outcome_that_says_it_did_not_take_place(words: str, kind: str) -> None:
    found = not_held_in(words)
    assert found is not None and found[0] == kind, words
    assert found[1] in words


@pytest.mark.parametrize(
    "words",
    [
        "Held - discussed the no-show rate at their clinics (12%)",
        "the no-show rate at their clinics is 12%",
        "No-shows at their clinics cost them EUR 2m a year",
        "they postponed the go-live of their old system",
        "Postponed the go-live of their old system",
        "Held - Rosa and six shift supervisors joined, liked the board",
        "Held; nobody from finance joined",
        "Went well, but the security review was postponed to Q2",
        "They moved to the cloud last year",
        "Customer moved to next phase of evaluation",
        "The project was cancelled in 2024 and restarted",
        "positive",
    ],
)
def test_words_that_share_the_vocabulary_but_say_it_was_held(words: str) -> None:
    assert not_held_in(words) is None, words


def test_the_outcome_field_decides_and_the_summary_speaks_only_without_a_verdict() -> None:
    assert not_held(logged("no_show")) is not None  # the CRM's enumerated outcome
    found = not_held(logged(None, summary="Call postponed due to the audit", kind="call"))
    assert found is not None and (found.kind, found.field) == ("called_off", "summary")
    # a positive outcome says it happened, whatever the summary mentions
    assert not_held(logged("positive", summary="Demo - they cancelled the old tender")) is None
    # an email is sent, not held: "no show" there is no meeting that did not happen
    assert not_held(logged("No-show", kind="email")) is None
    assert took_place(logged("Held - 8 supervisors joined"))


def test_a_no_show_is_outreach_nobody_answered() -> None:
    found = outcome_of(logged("NS – resched"))
    assert found is not None and found[:2] == ("no_show", "outcome")
    assert is_one_way(logged("NS – resched"))


# --- engagement -------------------------------------------------------------------------------


def _people(outcome: str, kind: str = "demo") -> dict[str, StakeholderEngagement]:
    acts = [
        activity("a1", 40, ["c-ann", "rep-1"]),
        activity("a2", 6, ["c-ann", "c-eve", "rep-1"], kind, outcome=outcome),
    ]
    ctx = make_context(deal={"activities": acts})
    return {p.contact_id: p for p in stakeholder_engagement(ctx.deal, AS_OF)}


@pytest.mark.parametrize("outcome", ["No-show", "nobody from their side joined"])
def test_a_meeting_nobody_came_to_is_no_engagement_and_an_unanswered_attempt(outcome: str) -> None:
    eve = _people(outcome)["c-eve"]
    assert eve.activity_indices == [] and eve.level == "never"
    assert eve.unanswered == 1


@pytest.mark.parametrize("outcome", ["Cancelled by Eve, to rebook", "Moved to Friday"])
def test_a_cancelled_or_moved_meeting_is_neither_engagement_nor_silence(outcome: str) -> None:
    ann = _people(outcome, "meeting")["c-ann"]
    assert ann.activity_indices == [0] and ann.unanswered == 0


def test_a_held_meeting_stays_two_way() -> None:
    eve = _people("Held - Eve and her planners joined")["c-eve"]
    assert eve.activity_indices == [1]


# --- evidence and process steps ------------------------------------------------------------


def test_a_demo_logged_but_not_held_does_not_complete_the_demo_check() -> None:
    acts = [activity("a9", 6, ["c-ann", "rep-1"], "demo", outcome="No show - to rebook")]
    found = analyze_deal(make_context(deal={"activities": acts}), AS_OF).evidence["demo_completed"]
    assert found.met is False and "did not take place" in found.detail
    assert found.citations == ["deal.activities[0].outcome"]
    held = [activity("a9", 6, ["c-ann", "rep-1"], "demo", outcome="positive")]
    assert (
        analyze_deal(make_context(deal={"activities": held}), AS_OF).evidence["demo_completed"].met
    )


def test_a_required_demo_that_was_a_no_show_is_missed_and_to_be_rebooked() -> None:
    acts = [
        activity("a1", 85, ["c-ines", "rep-1"], "call"),
        activity("a2", 40, ["c-ines", "c-omar", "rep-1"], "demo", outcome="NS – resched"),
    ]
    step = steps(deal([], acts))["ev-demo"]
    assert step.status == "missed" and "did not take place" in step.evidence
    assert step.correction and step.correction.startswith("Rebook the demo")
    assert "deal.activities[1].outcome" in step.citations


def test_the_summary_of_a_meeting_that_did_not_happen_reports_nothing_held() -> None:
    ctx = deal(
        [],
        [
            activity(
                "a1",
                80,
                ["c-ines", "rep-1"],
                "workshop",
                summary="Ran the value stream workshop with Ines",
                outcome="Cancelled by the customer",
            )
        ],
    )
    analysis = analyze_deal(ctx, AS_OF)
    description = "Value stream workshop with the planners"
    assert held_in_text(analysis.reading, ["workshop"], description, AS_OF, ctx.deal) is None
    held, off = logged_held(ctx.deal, ["workshop"], AS_OF)
    assert held == [] and [i for i, _ in off] == [0]
    assert steps(ctx)["sc-walk"].status == "missed"
