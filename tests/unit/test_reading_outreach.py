"""What came of an attempt to reach the customer (agent/reading/outreach.py) and what it does to
engagement (agent/analysis/engagement.py), on outcomes worded the way different CRMs and reps
word them: an answer is engagement, silence, a bounce or an auto-reply is outreach."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from agent.analysis.engagement import stakeholder_engagement
from agent.contracts.deal import Activity, ActivityType
from agent.reading.outreach import is_one_way, outcome_of, read_outreach
from tests.factories import AS_OF, activity, contact, days_ago, make_context


def attempt(summary: str, outcome: str | None = None, kind: ActivityType = "email") -> Activity:
    return Activity(
        id="a1",
        type=kind,
        date=AS_OF - dt.timedelta(days=3),
        participants=["c-ann", "rep-1"],
        summary=summary,
        outcome=outcome,
    )


# --- the outcome in the CRM's own words -------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("No reply", "no_reply"),
        ("Still no response after two chasers", "no_reply"),
        ("Left voicemail", "no_reply"),
        ("Left a message with her assistant", "no_reply"),
        ("Haven't heard back", "no_reply"),
        ("Not heard back since", "no_reply"),
        ("Bounced: 550 mailbox unavailable", "bounced"),
        ("Undeliverable - address not found", "bounced"),
        ("Email returned - recipient unknown", "bounced"),
        ("Number disconnected", "bounced"),
        ("Reception said she left the company in October", "bounced"),
        ("Auto-reply: out of office until 3 Dec", "out_of_office"),
        ("Away until 14 January, on parental leave", "out_of_office"),
        ("Declined - not a priority this quarter", "declined"),
        ("Turned down the invitation", "declined"),
        ("Rescheduled to Friday", "rescheduled"),
        ("Postponed to the 3rd at their request", "rescheduled"),
        ("She replied asking for a customer reference", "replied"),
        ("Karl got back to us within the hour", "replied"),
        ("Answered the same day with the volumes", "replied"),
    ],
)
def test_the_outcome_field_says_what_came_of_it(outcome: str, expected: str) -> None:
    found = outcome_of(attempt("Sent the proposal", outcome))
    assert found is not None
    assert found[:2] == (expected, "outcome") and found[2] in outcome


@pytest.mark.parametrize(
    "outcome",
    [
        "Out of office reply: back Monday",  # an auto-reply, not an answer
        "No reply yet, she confirmed receipt last week",  # silence wins over "confirmed"
    ],
)
def test_a_non_answer_that_mentions_answering_is_no_answer(outcome: str) -> None:
    found = outcome_of(attempt("Sent the proposal", outcome))
    assert found is not None and found[0] != "replied"


@pytest.mark.parametrize(
    ("summary", "kind", "expected"),
    [
        ("Tried Olu again, went straight to voicemail", "call", "no_reply"),
        ("Rang Priya twice, no answer", "call", "no_reply"),
        ("Called Karl, no answer on his mobile", "call", "no_reply"),
        ("Second chaser on the proposal; nothing back yet", "email", "no_reply"),
        ("Follow-up sent; still waiting for a response", "email", "no_reply"),
        ("Intro email bounced, address no longer valid", "email", "bounced"),
        ("Chased Priya on LinkedIn; she is on parental leave", "other", "out_of_office"),
    ],
)
def test_with_no_outcome_the_summary_says_what_came_of_it(
    summary: str, kind: ActivityType, expected: str
) -> None:
    found = outcome_of(attempt(summary, None, kind))
    assert found is not None
    assert found[:2] == (expected, "summary") and found[2] in summary


@pytest.mark.parametrize(
    ("summary", "outcome", "kind"),
    [
        # an answer about something else is no unanswered call
        ("Call with Priya, she had no answer on budget yet", None, "call"),
        ("Call with Priya", "She had no answer about timing", "call"),
        # a meeting that happened is never outreach, whatever its summary says
        ("Workshop: no answer yet on who owns the budget", None, "meeting"),
        ("Demo to the ops team; nobody replied to the poll", None, "demo"),
        # a summary says what we did; "she replied" is read from the outcome only
        ("Priya replied with the volumes", None, "email"),
        # the CRM's enumerated outcomes are not words to read
        ("Sent the proposal", "positive", "email"),
        ("Sent the proposal", "pending", "email"),
    ],
)
def test_words_that_only_look_like_an_outcome_are_none(
    summary: str, outcome: str | None, kind: ActivityType
) -> None:
    assert outcome_of(attempt(summary, outcome, kind)) is None


# --- one way or two way -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "outcome", "kind", "one_way"),
    [
        ("Sent pricing", "No reply", "email", True),
        ("Sent pricing", "Bounced", "email", True),
        ("Sent pricing", "Out of office until Monday", "email", True),
        ("Invited Priya to the demo", "Declined", "email", True),
        ("Sent pricing", "pending", "email", True),  # waiting for its answer
        ("Sent the proposal", "pending", "proposal", True),
        ("Sent pricing", "Replied next day with questions", "email", False),
        ("Follow-up call", "Rescheduled to Friday", "call", False),  # they answered to move it
        ("Discovery call with Karl", None, "call", False),
        ("Call booked", "pending", "call", False),
        ("Onsite workshop", "positive", "meeting", False),
    ],
)
def test_outreach_nobody_answered_is_one_way(
    summary: str, outcome: str | None, kind: ActivityType, one_way: bool
) -> None:
    assert is_one_way(attempt(summary, outcome, kind)) is one_way


# --- outreach facts ---------------------------------------------------------------------------


def test_an_outreach_fact_per_customer_it_tried_to_reach_quoting_the_field_it_read() -> None:
    ctx = make_context(
        deal={
            "activities": [
                activity("a1", 6, ["c-ann", "c-eve", "rep-1"], "email", outcome="No reply"),
                activity(
                    "a2", 2, ["c-eve", "rep-1"], "call", summary="Rang Eve, went to voicemail"
                ),
                activity("a3", 1, ["c-ann", "rep-1"], "meeting", outcome="positive"),
            ]
        }
    )
    facts = list(read_outreach(ctx.deal))
    assert [(f.contact_id, f.outcome, f.ref, f.quote) for f in facts] == [
        ("c-ann", "no_reply", "deal.activities[0].outcome", "No reply"),
        ("c-eve", "no_reply", "deal.activities[0].outcome", "No reply"),
        ("c-eve", "no_reply", "deal.activities[1].summary", "voicemail"),
    ]
    assert {f.on for f in facts} == {dt.date.fromisoformat(days_ago(6)), AS_OF - dt.timedelta(2)}


# --- what it does to engagement ---------------------------------------------------------------


def engagement_of_ann(*attempts: dict[str, Any]) -> Any:
    """Ann met us 20 days ago; then the given attempts to reach her."""
    ctx = make_context(
        deal={
            "contacts": [contact("c-ann", "Ann Champion", "champion")],
            "activities": [activity("a0", 20, ["c-ann", "rep-1"]), *attempts],
        }
    )
    [ann] = stakeholder_engagement(ctx.deal, AS_OF)
    return ann


def _email(aid: str, ago: int, outcome: str | None = None, summary: str = "Follow-up") -> Any:
    return activity(aid, ago, ["c-ann", "rep-1"], "email", outcome=outcome, summary=summary)


@pytest.mark.parametrize(
    "attempts",
    [
        [_email("a1", 10, "No reply"), _email("a2", 4, "No response to the chaser")],
        [
            _email("a1", 10, summary="Sent the recap; nothing back yet"),
            activity("a2", 4, ["c-ann", "rep-1"], "call", summary="Called, left voicemail"),
        ],
        [_email("a1", 10, "Not heard back"), _email("a2", 4, "Auto-reply: out of office")],
    ],
)
def test_unanswered_attempts_since_they_last_took_part_are_counted_not_engagement(
    attempts: list[dict[str, Any]],
) -> None:
    ann = engagement_of_ann(*attempts)
    assert (ann.days_since_touch, ann.unanswered, ann.unreachable) == (20, 2, False)
    assert ann.unanswered_refs == ["deal.activities[1]", "deal.activities[2]"]
    assert ann.activity_indices == [0]


@pytest.mark.parametrize(
    "outcome", ["Bounced: mailbox unavailable", "Undeliverable", "Recipient unknown"]
)
def test_a_bounce_after_the_last_contact_makes_them_unreachable(outcome: str) -> None:
    ann = engagement_of_ann(_email("a1", 4, outcome))
    assert (ann.unanswered, ann.unreachable) == (1, True)


@pytest.mark.parametrize(
    "reply",
    [
        _email("a2", 2, "Replied with two questions"),
        _email("a2", 2, "She got back to us on Tuesday"),
        activity("a2", 2, ["c-ann", "rep-1"], "call", summary="Call with Ann about the pilot"),
    ],
)
def test_an_answer_after_unanswered_attempts_resets_the_count(reply: dict[str, Any]) -> None:
    ann = engagement_of_ann(_email("a1", 6, "No reply"), reply)
    assert (ann.days_since_touch, ann.unanswered, ann.level) == (2, 0, "engaged")
    assert ann.activity_indices == [0, 2]


def test_two_wordings_of_the_same_silence_give_the_same_engagement() -> None:
    one = engagement_of_ann(_email("a1", 9, "No reply"), _email("a2", 3, "No answer"))
    other = engagement_of_ann(
        _email("a1", 9, summary="Sent the pricing, still waiting for a reply"),
        activity("a2", 3, ["c-ann", "rep-1"], "call", summary="Rang her twice, voicemail"),
    )
    keys = ("days_since_touch", "level", "unanswered", "unanswered_refs", "unreachable")
    assert [getattr(one, k) for k in keys] == [getattr(other, k) for k in keys]
