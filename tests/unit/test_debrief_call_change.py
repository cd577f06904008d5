# ruff: noqa: E501  (call transcripts are written one utterance per line)
"""What a call changes, read from its words: people the customer names who are not in the
record, an economic buyer the call discussed but who was not on it, and buying constraints that
lower the win probability against the deal as it stood before the call."""

from __future__ import annotations

from typing import Any

from agent.analysis import analyze_deal
from agent.capabilities.live_assist.engine import LiveAssist
from agent.capabilities.post_call_analysis.build import build_debrief
from agent.capabilities.post_call_analysis.contract import PostCallAnalysisResult
from agent.reading.speaker_mapping import map_speakers
from agent.reading.transcripts import parse_transcript
from agent.retrieval import index_for
from agent.settings import CoachContext
from tests.factories import AS_OF, activity, contact, make_context

# Ann (champion) is active; Eve (economic buyer) has never been in an activity.
EVE_UNMET: dict[str, Any] = {
    "activities": [activity("a1", 5, ["c-ann", "rep-1"]), activity("a2", 3, ["c-ann", "rep-1"])]
}
NO_BUYER: dict[str, Any] = {
    "contacts": [contact("c-ann", "Ann Champion", "champion", sentiment="positive")],
    "activities": [activity("a1", 5, ["c-ann", "rep-1"])],
}


def debrief(text: str, deal: dict[str, Any] | None = None) -> PostCallAnalysisResult:
    ctx = make_context(deal=deal or EVE_UNMET)
    analysis = analyze_deal(ctx, AS_OF)
    t = map_speakers(parse_transcript(text, source="call.txt"), ctx.deal)
    assist = LiveAssist(ctx, analysis, index_for(CoachContext()))
    return build_debrief(ctx, analysis, t, AS_OF, None, "call", assist)


def named(r: PostCallAnalysisResult) -> list[str]:
    return [n.detail for n in r.new_information if n.kind == "new_person"]


def recommended(r: PostCallAnalysisResult) -> list[str]:
    return [s.action for s in r.next_steps if s.recommended]


# --- people the customer names ---------------------------------------------------------------


def test_a_person_the_customer_names_with_a_title_is_new_information() -> None:
    r = debrief(
        "Rita Seller: Who else decides?\n"
        "Ann Champion: Our COO, Farida Haidari, wants to see the business case before it goes to the board.\n"
    )
    [detail] = named(r)
    assert "Farida Haidari (COO)" in detail and "business case" in detail
    hit = next(n for n in r.new_information if n.kind == "new_person")
    assert hit.compared_with_record == "new" and hit.citations == ["transcript.utterances[1]"]


def test_a_name_written_before_the_title_is_read_too() -> None:
    r = debrief(
        "Rita Seller: What happens after the pilot?\n"
        "Ann Champion: Before anything is signed, Jonas Weber, our finance director, has to approve the spend.\n"
    )
    assert any("Jonas Weber" in d for d in named(r))


def test_contacts_guesses_and_the_sellers_own_words_are_not_new_people() -> None:
    r = debrief(
        "Rita Seller: Your CFO, Marta Lind, asked us for references last year.\n"
        "Ann Champion: Eve Buyer, our CFO, has to sign it off.\n"
        "Ann Champion: Maybe the COO wants a look too, I'm not sure.\n"
    )
    assert named(r) == []


# --- an economic buyer discussed but not on the call ----------------------------------------


def test_an_unmet_buyer_whose_conditions_were_relayed_gets_a_meeting_step() -> None:
    r = debrief(
        "Rita Seller: What will Eve need to approve this?\n"
        "Ann Champion: Eve told me she needs payback inside a year before she signs.\n"
        "Rita Seller: I'll send the payback model by Friday.\n"
    )
    [step] = recommended(r)
    assert step.startswith("Ask Ann Champion for a meeting with Eve Buyer")
    assert "payback inside a year" in step  # what the buyer wants, in the call's words
    mine = next(s for s in r.next_steps if s.recommended)
    assert mine.owner_id == "rep-1" and mine.customer_commitment == "none"
    assert "deal.contacts[1]" in mine.citations
    # a step the customer never agreed stays out of the email and the record's next step
    assert "meeting with Eve" not in r.follow_up.body
    assert "meeting with Eve" not in (r.patch.next_step or "")


def test_a_buyer_known_only_from_the_call_gets_a_meeting_step_through_who_named_them() -> None:
    r = debrief(
        "Rita Seller: Who signs?\n"
        "Ann Champion: Our CFO, Henrike Sauer, signs off anything above 50k and wants the ROI model first.\n",
        deal=NO_BUYER,
    )
    [step] = recommended(r)
    assert "Ask Ann Champion for a meeting with Henrike Sauer (CFO)" in step
    assert "ROI model" in step


def test_no_meeting_step_for_a_buyer_who_was_on_the_call_or_already_reached() -> None:
    on_call = debrief(
        "Rita Seller: Thanks for joining, Eve.\n"
        "Eve Buyer: My condition is payback inside a year.\n"
        "Ann Champion: We can show that.\n"
    )
    assert recommended(on_call) == []
    stepped = debrief(
        "Rita Seller: What will Eve need?\n"
        "Ann Champion: Payback inside a year. I'll bring Eve to a call next Tuesday.\n"
    )
    assert recommended(stepped) == []


# --- buying constraints: before the call against after it ------------------------------------


def test_a_spending_freeze_past_the_close_lowers_the_probability_and_is_news() -> None:
    r = debrief(
        "Rita Seller: Are we still on track for signature?\n"
        "Ann Champion: The team loves it. But last week our CFO froze all new software contracts until the third quarter.\n"
    )
    assert r.probability.after < r.probability.before
    assert "buying_constraint" in r.probability.risks_added
    [news] = [n for n in r.new_information if n.kind == "buying_constraint"]
    assert news.detail.startswith("Budget freeze") and news.compared_with_record == "new"
    assert "after the expected close" in news.detail


def test_a_review_that_outlasts_the_close_lowers_the_probability() -> None:
    r = debrief(
        "Rita Seller: What is left before signature?\n"
        "Ann Champion: Every new supplier goes through our vendor security review. It takes ten to twelve weeks.\n"
    )
    assert r.probability.after < r.probability.before
    [news] = [n for n in r.new_information if n.kind == "buying_constraint"]
    assert "10-12 weeks" in news.detail and "after the expected close" in news.detail


def test_a_call_without_a_constraint_does_not_lower_the_probability() -> None:
    r = debrief(
        "Rita Seller: Are we still on track for signature?\n"
        "Ann Champion: Yes, the budget is approved for this quarter and legal has the contract.\n"
    )
    assert r.probability.after >= r.probability.before
    assert not [n for n in r.new_information if n.kind == "buying_constraint"]


def test_a_constraint_the_record_already_holds_is_confirmed_not_new() -> None:
    deal = {
        **EVE_UNMET,
        "notes": [
            {
                "date": "2026-11-10",
                "author": "rep-1",
                "text": "Ann says the CFO froze all new software contracts until the third quarter.",
            }
        ],
    }
    r = debrief(
        "Rita Seller: Any news on the freeze?\n"
        "Ann Champion: The CFO froze all new software contracts until the third quarter, still.\n",
        deal,
    )
    [news] = [n for n in r.new_information if n.kind == "buying_constraint"]
    assert news.compared_with_record == "confirms"
    assert "buying_constraint" not in r.probability.risks_added  # it was priced in before


def test_a_freeze_that_outlasts_the_close_is_critical_one_that_lifts_before_is_high() -> None:
    def severity(text: str) -> str:
        ctx = make_context(
            deal={"notes": [{"date": "2026-11-10", "author": "rep-1", "text": text}]}
        )
        analysis = analyze_deal(ctx, AS_OF)
        return next(s.severity for s in analysis.signals if s.id == "buying_constraint")

    assert (
        severity("The CFO froze all new software spending until the third quarter.") == "critical"
    )
    assert severity("All new spending is frozen until 1 December.") == "high"
