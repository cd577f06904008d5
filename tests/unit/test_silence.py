"""A stakeholder's silence since they last took part (agent/capabilities/common/silence.py): a
meeting they did not come to is named with the activity; one unanswered e-mail is not news."""

from __future__ import annotations

from typing import Any

from agent.analysis import analyze_deal
from agent.capabilities.common.silence import Silence, silence
from agent.capabilities.stakeholder_strategy.build import _caveat
from tests.factories import AS_OF, activity, contact, make_context

EB = contact("c-eb", "Erin Buyer", "economic_buyer")


def _said(*activities: dict[str, Any]) -> Silence | None:
    ctx = make_context(deal={"contacts": [EB], "activities": list(activities)})
    (person,) = [p for p in analyze_deal(ctx, AS_OF).engagement if p.contact_id == "c-eb"]
    return silence(person, ctx.deal)


def test_a_meeting_they_did_not_come_to_is_named_with_where_it_is_said() -> None:
    held = activity("a1", 20, ["c-eb", "rep-1"])
    missed = activity("a2", 8, ["c-eb", "rep-1"], outcome="no_show")
    assert _said(held, missed) == Silence(
        "no_show", f"did not come to the meeting on {missed['date']}", ["deal.activities[1]"]
    )
    came = {**missed, "outcome": "neutral"}  # the twin: the meeting took place
    assert _said(held, came) is None


def test_unanswered_attempts_count_from_two() -> None:
    held = activity("a1", 20, ["c-eb", "rep-1"])
    first = activity("a2", 9, ["c-eb", "rep-1"], "email", outcome="No reply")
    second = activity("a3", 4, ["c-eb", "rep-1"], "call", outcome="No answer")
    assert _said(held, first) is None
    said = _said(held, first, second)
    assert said is not None
    assert said.kind == "unanswered"
    assert said.words.startswith("2 attempts to reach them") and second["date"] in said.words
    assert said.refs == ["deal.activities[1]", "deal.activities[2]"]
    missed = activity("a4", 2, ["c-eb", "rep-1"], outcome="no_show")
    after = _said(held, first, second, missed)
    assert after is not None and after.words.endswith(", after 2 unanswered attempts")


def test_the_stakeholder_plan_says_to_confirm_through_a_colleague() -> None:
    ctx = make_context(
        deal={
            "contacts": [EB],
            "activities": [
                activity("a1", 20, ["c-eb"]),
                activity("a2", 8, ["c-eb"], outcome="no_show"),
            ],
        }
    )
    (person,) = [p for p in analyze_deal(ctx, AS_OF).engagement if p.contact_id == "c-eb"]
    words, cites = _caveat(person, ctx.deal)
    assert words.startswith("Did not come to the meeting on") and "through a colleague" in words
    assert cites == ["deal.activities[1]"]
    assert _caveat(person) == ("", [])  # without the deal: only what makes them unreliable


def test_a_no_show_with_others_invited_is_nobody_s_in_particular() -> None:
    """'He never dialled in; Ottilie apologised': with two from the customer invited, the
    record does not say who stayed away, so neither is named as the one who did not come."""
    champion = contact("c-ch", "Cara Champion", "champion")
    held = activity("a1", 20, ["c-eb", "c-ch", "rep-1"])
    missed = activity("a2", 3, ["c-eb", "c-ch", "rep-1"], outcome="No-show, to rebook")
    ctx = make_context(deal={"contacts": [EB, champion], "activities": [held, missed]})
    people = analyze_deal(ctx, AS_OF).engagement
    assert [p.unanswered for p in people] == [1, 1]
    assert [silence(p, ctx.deal) for p in people] == [None, None]
    alone = {**missed, "participants": ["c-eb", "rep-1"]}  # the twin: he alone was invited
    ctx = make_context(deal={"contacts": [EB, champion], "activities": [held, alone]})
    eb, ch = analyze_deal(ctx, AS_OF).engagement
    assert silence(eb, ctx.deal) is not None and silence(ch, ctx.deal) is None


def test_a_no_show_is_theirs_when_the_record_names_them_as_the_one_who_did_not_come() -> None:
    """'Erin never dialled in; Cara joined alone': the words say who stayed away, so the
    economic buyer's silence is named, and the champion who came is not."""
    champion = contact("c-ch", "Cara Champion", "champion")
    held = activity("a1", 20, ["c-eb", "c-ch", "rep-1"])
    missed = activity(
        "a2",
        3,
        ["c-eb", "c-ch", "rep-1"],
        summary="Pricing review. Erin never dialled in; Cara joined alone and apologised.",
        outcome="No-show, to rebook",
    )

    def said(summary: str) -> list[Silence | None]:
        edited = {**missed, "summary": summary}
        ctx = make_context(deal={"contacts": [EB, champion], "activities": [held, edited]})
        return [silence(p, ctx.deal) for p in analyze_deal(ctx, AS_OF).engagement]

    eb, ch = said(missed["summary"])
    assert eb is not None and eb.kind == "no_show" and eb.refs == ["deal.activities[1]"]
    assert ch is None
    # the twin: the champion is the one named; and words naming nobody say nothing
    assert said("Pricing review. Cara did not show up; Erin asked to rebook.")[0] is None
    assert said("Pricing review. He never dialled in; Cara apologised.") == [None, None]
