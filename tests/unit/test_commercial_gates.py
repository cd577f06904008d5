# ruff: noqa: E501  (call transcripts are written one utterance per line)
"""Formal buying steps that change a deal's timeline and odds: a tender, an RFP or a required
number of quotes (other vendors bid, and it takes weeks), and an approval body with a date (a
board that sits on the 16th, ExCo on the first Tuesday of July). Read from varied wordings,
not from words they share with harmless sentences; a debrief records them and does not call a
date confirmed that they rule out; a mutual plan never signs before a dated gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from agent.analysis import analyze_deal
from agent.analysis.probability import estimate_win_probability
from agent.capabilities.deal_strategy.build import build_strategy
from agent.capabilities.deal_strategy.contract import DealStrategyResult, PlanStep
from agent.capabilities.live_assist.engine import LiveAssist
from agent.capabilities.post_call_analysis.build import build_debrief
from agent.capabilities.post_call_analysis.contract import PostCallAnalysisResult
from agent.contracts.facts import Fact
from agent.reading.constraint_details import bidders_in, lengths_from_replies
from agent.reading.constraints import read_constraints
from agent.reading.dates import resolve_when
from agent.reading.speaker_mapping import map_speakers
from agent.reading.transcripts import parse_transcript
from agent.retrieval import citable_documents, index_for
from agent.settings import CoachContext
from knowledge.plays import load_plays
from tests.factories import AS_OF, activity, contact, days_ago, make_context

WRITTEN = dt.date(2026, 11, 19)  # a Thursday
REF = "deal.notes[0].text"


def kinds(text: str) -> list[tuple[str | None, dt.date | None]]:
    found = list(read_constraints(REF, text, WRITTEN))
    assert all(f.quote in text for f in found)
    return [(f.constraint, f.until) for f in found]


# --- a tender, an RFP, a set number of quotes -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Anything this size needs to go out to tender.",
        "Public procurement rules require three quotes for a contract like this.",
        "RFP mandatory above EUR 200k.",
        "Because the amount is over our direct-award threshold, it has to go as a public invitation on SECOP II.",
        "Purchasing will issue an RFQ to the shortlisted suppliers in January.",
        "Above the single-source limit we need at least three competing bids.",
        "Three written quotes are required above EUR 50k.",
    ],
)
def test_a_competitive_process_the_customer_must_run_is_a_tender(text: str) -> None:
    assert [kind for kind, _ in kinds(text)] == ["tender"]


@pytest.mark.parametrize(
    "text",
    [
        "We won their tender last year.",
        "We lost the RFP to Nimbra, which is why they came back to us.",
        "Our special regime lets us contract directly with a single quote.",
        "The bid team liked the demo.",
        "Their offer of a pilot site is generous.",
        "Priya asked for three quotes for different seat counts.",
        "We sent a formal invitation to the workshop.",
    ],
)
def test_a_tender_behind_them_or_words_it_shares_are_no_tender(text: str) -> None:
    assert kinds(text) == []


def test_how_many_offers_a_tender_asks_for_is_read() -> None:
    assert bidders_in("Minimum three offers.") == 3
    assert bidders_in("rules require 3 quotes") == 3
    assert bidders_in("It needs to go out to tender.") is None


# --- an approval body and when it sits ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("The board sits on the 16th.", "2026-12-16"),
        ("ExCo meets first Tuesday of July.", "2027-07-06"),
        (
            "The next board session is 16 June; Ms Nhung please prepare the board paper.",
            "2027-06-16",
        ),
        (
            "I will take it to the finance committee on 8 December and approve it there.",
            "2026-12-08",
        ),
        ("Their budget is released on 1 April.", "2027-04-01"),
        ("Their fiscal year starts 1 July, when the new budget opens.", "2027-07-01"),
        ("Every contract over VND 5 billion must be approved by the Board of Directors.", None),
    ],
)
def test_an_approval_body_is_read_with_the_date_it_sits(text: str, until: str | None) -> None:
    assert kinds(text) == [("approval", dt.date.fromisoformat(until) if until else None)]


@pytest.mark.parametrize(
    "text",
    [
        "The board was happy with the pilot.",
        "The audit committee ran over and he can't join today.",
        "The Board of Directors already approved the budget at its March session, so I can sign.",
        "The board approved it in March.",
    ],
)
def test_a_body_only_named_or_an_approval_already_given_is_no_gate(text: str) -> None:
    assert kinds(text) == []


def test_an_approval_still_ahead_is_read_though_it_says_approved() -> None:
    assert kinds("Once the board has approved it, we sign.") == [("approval", None)]


def test_a_weekday_named_by_its_place_in_a_month_is_a_date() -> None:
    on = dt.date(2027, 4, 20)
    assert resolve_when("ExCo meets the first Tuesday of July", on) == dt.date(2027, 7, 6)
    assert resolve_when("on the last Friday in March 2028", on) == dt.date(2028, 3, 31)
    assert resolve_when("the second Monday of April", on) == dt.date(2028, 4, 10)  # passed


# --- a length said in answer, lines later ---------------------------------------------------


def _lines(*said: tuple[str, str]) -> list[tuple[str, str, str]]:
    return [(f"transcript.utterances[{i}].text", text, who) for i, (who, text) in enumerate(said)]


def _tender_at(i: int) -> Fact:
    return Fact(
        kind="constraint",
        ref=f"transcript.utterances[{i}].text",
        quote="it has to go as a public invitation",
        constraint="tender",
    )


def test_a_length_given_in_answer_to_how_long_belongs_to_the_constraint() -> None:
    lines = _lines(
        ("andres", "It has to go as a public invitation. Minimum three offers."),
        ("daniela", "How long does that usually take?"),
        ("andres", "About ten weeks from publication to award. So April is not possible."),
    )
    [fact] = lengths_from_replies([_tender_at(0)], lines)
    assert fact.weeks == (10.0, 10.0)


def test_a_length_someone_else_gives_or_nobody_asked_for_is_not_taken() -> None:
    other = _lines(
        ("andres", "It has to go as a public invitation."),
        ("daniela", "How long does that usually take? We had about ten weeks elsewhere."),
    )
    assert lengths_from_replies([_tender_at(0)], other)[0].weeks is None
    unasked = _lines(
        ("andres", "It has to go as a public invitation."),
        ("daniela", "Understood."),
        ("andres", "The pilot ran for ten weeks last year."),
    )
    assert lengths_from_replies([_tender_at(0)], unasked)[0].weeks is None


# --- what they do to the deal's signals -----------------------------------------------------


def _signals(note: str, **deal: Any) -> dict[str, str]:
    ctx = make_context(
        deal={"notes": [{"date": days_ago(1), "author": "rep-1", "text": note}], **deal}
    )
    return {s.id: s.severity for s in analyze_deal(ctx, AS_OF).signals}


def test_a_tender_opens_a_competition_and_outlasting_the_close_is_critical() -> None:
    fired = _signals(
        "Procurement rules require three quotes; the public invitation takes about 12 weeks."
    )
    assert fired["buying_constraint"] == "critical"  # 12 weeks runs past the close in 60 days
    assert fired["competitive_bakeoff"] == "high"  # three offers: two rivals at least
    fitting = _signals("It needs to go out to tender; award is due 10 December.")
    assert fitting["buying_constraint"] == "high" and fitting["competitive_bakeoff"] == "medium"
    assert "competitive_bakeoff" not in _signals("We won their tender last year.")


def test_a_committee_that_sits_before_the_close_weighs_less_than_one_after_it() -> None:
    assert _signals("The investment committee meets on 4 December.")["buying_constraint"] == "low"
    assert _signals("The next board session is 16 March.")["buying_constraint"] == "high"


# --- the debrief ----------------------------------------------------------------------------

# Eve (economic buyer) only ever accepted an e-mailed invitation; Ann (champion) meets us.
INVITED_ONLY: dict[str, Any] = {
    "contacts": [
        contact("c-ann", "Ann Champion", "champion", sentiment="positive"),
        contact("c-eve", "Eve Buyer", "economic_buyer"),
    ],
    "activities": [
        activity("a1", 30, ["c-ann", "rep-1"]),
        activity("a2", 6, ["c-ann", "c-eve", "rep-1"], kind="email", outcome="Accepted"),
    ],
    "expected_close": days_ago(-21),
}


def debrief(
    text: str, objective: str | None = None, deal: dict[str, Any] | None = None
) -> PostCallAnalysisResult:
    ctx = make_context(deal=deal or INVITED_ONLY)
    analysis = analyze_deal(ctx, AS_OF)
    t = map_speakers(parse_transcript(text, source="call.txt"), ctx.deal)
    assist = LiveAssist(ctx, analysis, index_for(CoachContext()))
    return build_debrief(ctx, analysis, t, AS_OF, objective, "call", assist)


TENDER_CALL = (
    "Rita Seller: Are we still good for signature on the 11th of December?\n"
    "Ann Champion: Contracting reviewed it. Above our threshold it has to go to public tender, minimum three offers.\n"
    "Rita Seller: How long does that usually take?\n"
    "Ann Champion: About ten weeks from publication to award. So December is not possible.\n"
)


def test_a_tender_revealed_in_the_call_is_news_lowers_the_odds_and_voids_the_date() -> None:
    r = debrief(TENDER_CALL, objective="Confirm the 11 December signature")
    [news] = [n for n in r.new_information if n.kind == "buying_constraint"]
    assert news.detail.startswith("Tender") and "10 weeks" in news.detail
    assert news.citations == ["transcript.utterances[1]", "transcript.utterances[3]"]
    assert r.probability.after < r.probability.before
    assert {"buying_constraint", "competitive_bakeoff"} <= set(r.probability.risks_added)
    [objective] = r.objectives
    assert objective.status == "not_met" and "cannot hold" in objective.detail
    assert any(a.text.startswith("Reset the close date") for a in r.adjustments)


def test_a_date_the_customer_confirms_meets_a_dated_objective() -> None:
    r = debrief(
        "Rita Seller: Are we still good for signature on the 11th of December?\n"
        "Ann Champion: Contracting can sign directly at this amount. So the 11th of December works.\n",
        objective="Confirm the 11 December signature",
    )
    assert r.objectives[0].status == "met"
    assert not [n for n in r.new_information if n.kind == "buying_constraint"]


def test_a_date_the_call_never_came_to_is_not_met() -> None:
    r = debrief(
        "Rita Seller: How did the demo land with the team?\nAnn Champion: Very well, they liked the dashboards.\n",
        objective="Confirm the 11 December signature",
    )
    assert r.objectives[0].status == "not_met"
    assert "not confirmed" in r.objectives[0].detail


def first(r: PostCallAnalysisResult) -> list[str]:
    return [n.detail for n in r.new_information if n.kind == "first_engagement"]


def test_a_buyer_who_had_only_accepted_an_invitation_engages_for_the_first_time() -> None:
    r = debrief(
        "Rita Seller: Thank you for joining, Eve.\n"
        "Eve Buyer: I want to see the payback first.\n"
        "Ann Champion: We can show that.\n"
    )
    [detail] = first(r)
    assert detail.startswith("Eve Buyer (economic buyer) took part")
    assert "never in a meeting or call" in detail


def test_no_first_engagement_for_someone_met_before_or_who_did_not_speak() -> None:
    met = {**INVITED_ONLY, "activities": [activity("a1", 6, ["c-ann", "c-eve", "rep-1"])]}
    assert first(debrief("Rita Seller: Hi Eve.\nEve Buyer: Show me the payback.\n", deal=met)) == []
    absent = debrief(
        "Rita Seller: Shall we wait for Eve?\nAnn Champion: She can't join, the audit committee ran over.\n"
    )
    assert first(absent) == []


# --- the mutual plan against a dated gate ---------------------------------------------------

PLAYS = load_plays()


def strategy(email: str, **deal: Any) -> DealStrategyResult:
    base: dict[str, Any] = {
        "stage": "Proposal",
        "stage_history": [
            {"stage": "Discovery", "entered": days_ago(30)},
            {"stage": "Proposal", "entered": days_ago(5)},
        ],
        "expected_close": "2027-01-15",
        "mutual_action_plan": {
            "agreed": True,
            "agreed_on": days_ago(10),
            "milestones": [
                {"name": "Contract reviewed by legal", "due": "2027-01-05", "owner": "c-ann"},
                {"name": "Contract signature", "due": "2027-01-15", "owner": "c-eve"},
            ],
        },
        "activities": [
            activity("a1", 5, ["c-ann", "rep-1"]),
            activity("a2", 2, ["c-eve", "rep-1"], kind="email", summary=email),
        ],
    }
    ctx = make_context(deal={**base, **deal})
    analysis = analyze_deal(ctx, AS_OF)
    win = estimate_win_probability(ctx, analysis)
    return build_strategy(ctx, analysis, PLAYS, citable_documents(CoachContext()), win)


def signature_of(result: DealStrategyResult) -> PlanStep:
    return next(s for s in result.mutual_action_plan if s.milestone.startswith("Contract sign"))


@pytest.mark.parametrize(
    ("email", "gate"),
    [
        (
            "Eve: contracts above 50k must be approved by the board. The next board session is 3 February.",
            "2027-02-03",
        ),
        ("Eve: ExCo meets first Tuesday of March and has to approve it.", "2027-03-02"),
        ("Eve: our budget is released on 1 February, not before.", "2027-02-01"),
    ],
)
def test_signature_is_planned_after_a_dated_gate_and_the_close_date_flagged(
    email: str, gate: str
) -> None:
    result = strategy(email)
    on = dt.date.fromisoformat(gate)
    signature = signature_of(result)
    assert signature.milestone.startswith("Contract signature") and signature.due >= on
    assert "moved after it" in signature.milestone and signature.status == "proposed"
    assert any(s.due == on and s.status == "proposed" for s in result.mutual_action_plan)
    assert result.closing_plan[0].startswith("The close date 2027-01-15 is not realistic")
    assert gate in result.closing_plan[0]


@pytest.mark.parametrize(
    "email",
    [
        "Eve: the board already approved the budget at its October session, so I can sign.",
        "Eve: the board was happy with the pilot; 15 January is fine for me.",
        "Eve: the board sits on 8 January, before our signature.",
    ],
)
def test_a_plan_that_already_signs_after_the_gate_or_has_none_stands(email: str) -> None:
    result = strategy(email)
    signature = signature_of(result)
    assert (signature.milestone, signature.due, signature.status) == (
        "Contract signature",
        dt.date(2027, 1, 15),
        "open",
    )
    assert not any("not realistic" in c for c in result.closing_plan)
