"""Competitor knowledge a team can trust: a stale card is said to be stale, an unsourced
figure is never repeated, a competitor with no card gets no invented positioning, and a figure
heard second-hand is a claim to verify. Every answer stays grounded."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from agent.analysis import analyze_deal
from agent.capabilities.common.card_vetting import card_for
from agent.capabilities.common.competition import competitor_view
from agent.capabilities.common.competitor_claims import claims_in
from agent.capabilities.deal_strategy.competitive_plan import competition_plans
from agent.capabilities.live_assist.engine import LiveAssist
from agent.contracts import CoachingRequest
from agent.contracts.context import DealContext
from agent.contracts.response import CoachingResponse
from agent.retrieval import citable_documents, index_for
from agent.service import coach
from agent.settings import CoachContext
from knowledge.trust import STALE_AFTER_DAYS
from tests.factories import AS_OF, days_ago, make_context

SETTINGS = CoachContext(outbox=None, memory=None)
KNOWLEDGE = citable_documents(SETTINGS)
CORVANE_VERIFIED = dt.date(2026, 10, 5)  # knowledge/battle_cards/bc-corvane.md
# Lines of the Helixor and Taskline cards a borrowed positioning would repeat.
OTHER_CARDS = re.compile(r"low-code|IT backlog|9-12 months|a fifth|credit card|process mining")


def respond(capability: str, ctx: DealContext, as_of: dt.date = AS_OF, **extra: Any) -> str:
    response = coach(
        CoachingRequest(capability=capability, deal=ctx, as_of=as_of, **extra), SETTINGS
    )
    assert isinstance(response, CoachingResponse)
    assert response.check.passed, response.check.findings
    return response.markdown


def sentences_naming(name: str, text: str) -> list[str]:
    return [s for s in re.split(r"[.\n]", text) if name in s]


# ---- stale cards ---------------------------------------------------------------------------


def test_a_card_older_than_the_threshold_is_flagged_with_its_date() -> None:
    ctx = make_context(deal={"competitors": ["Corvane"]})
    stale_on = CORVANE_VERIFIED + dt.timedelta(days=STALE_AFTER_DAYS + 30)
    text = respond("deal_strategy", ctx, stale_on)
    assert f"The Corvane card (bc-corvane) was last verified {CORVANE_VERIFIED}" in text
    assert "re-verify its figures before quoting them (ask the competitive intelligence" in text
    fresh = respond("deal_strategy", ctx, CORVANE_VERIFIED + dt.timedelta(days=30))
    assert "last verified" not in fresh and "re-verify" not in fresh


def test_a_stale_cards_figures_say_to_re_verify_before_quoting() -> None:
    ctx = make_context(deal={"competitors": ["Corvane"]})
    late = CORVANE_VERIFIED + dt.timedelta(days=STALE_AFTER_DAYS + 1)
    card = card_for("Corvane", ctx, KNOWLEDGE, late)
    assert card is not None and card.stale
    with_figures = [line for line in card.lines["talking_points"] if "8-14 weeks" in line]
    assert with_figures and all("re-verify before quoting" in line for line in with_figures)
    without = [line for line in card.lines["talking_points"] if not re.search(r"\d", line)]
    assert without and all("re-verify" not in line for line in without)


def test_the_competitive_agents_card_is_dated_by_what_its_summary_says() -> None:
    card = {"competitor": "Helixor", "talking_points": ["Helixor list price is USD 38 per user"]}
    summary = "Helixor card last refreshed in March 2024 from a partner price sheet."
    ctx = make_context(
        deal={"competitors": ["Helixor"]},
        competitive={"summary": summary, "battle_cards": [card]},
    )
    text = respond("deal_strategy", ctx)
    assert "was last verified March 2024" in text
    assert re.search(r"USD 38 per user \(from a card last verified March 2024: re-verify", text)
    current = summary.replace("March 2024", "October 2026")
    ctx = ctx.model_copy(
        update={"competitive": ctx.competitive.model_copy(update={"summary": current})}
    )  # type: ignore[union-attr]
    text = respond("deal_strategy", ctx)
    assert "- **Talking points:** Helixor list price is USD 38 per user\n" in text


# ---- unsourced figures -----------------------------------------------------------------------

UNSOURCED = {
    "competitor": "Helixor",
    "weaknesses": ["Their licences cost 37% more after year one"],
    "talking_points": ["Helixor builds take 17 months on average", "IT owns every change"],
}


@pytest.mark.parametrize("capability", ["deal_strategy", "pre_call_brief", "objection_guide"])
def test_an_unsourced_figure_never_appears_in_the_output(capability: str) -> None:
    ctx = make_context(deal={"competitors": ["Helixor"]}, competitive={"battle_cards": [UNSOURCED]})
    extra = {"message": "Helixor is cheaper"} if capability == "objection_guide" else {}
    text = respond(capability, ctx, **extra)
    assert "17 months" not in text and "37%" not in text
    if capability == "deal_strategy":
        assert "IT owns every change" in text  # the lines without a figure are still used
        assert "competitive.battle_cards[0].talking_points[0]" in text  # said to be left out


def test_a_figure_with_a_source_or_backed_by_the_record_is_kept() -> None:
    sourced = {**UNSOURCED, "sources": [{"source": "Win-loss review, 2026-09", "figures": ["37%"]}]}
    record = {
        "notes": [
            {
                "date": days_ago(4),
                "author": "rep-1",
                "text": "IT estimates 17 months for a Helixor build.",
            }
        ]
    }
    ctx = make_context(
        deal={"competitors": ["Helixor"], **record}, competitive={"battle_cards": [sourced]}
    )
    card = card_for("Helixor", ctx, KNOWLEDGE, AS_OF)
    assert card is not None and not card.left_out
    assert card.lines["weaknesses"] == ("Their licences cost 37% more after year one",)


def test_the_knowledge_base_cannot_hold_an_unsourced_figure_so_its_lines_are_all_kept() -> None:
    ctx = make_context(deal={"competitors": ["Taskline"]})
    card = card_for("Taskline", ctx, KNOWLEDGE, AS_OF)
    assert card is not None and card.origin == "knowledge_base" and not card.left_out


# ---- a competitor with no card ---------------------------------------------------------------

NO_CARD = {"competitors": ["Zephyrion Works"]}


def test_a_competitor_with_no_card_is_said_to_have_none_with_what_to_find_out() -> None:
    ctx = make_context(deal=NO_CARD)
    (plan,) = competition_plans(ctx, KNOWLEDGE, analyze_deal(ctx, AS_OF))
    assert plan.card is None and "There is no battle card for Zephyrion Works" in plan.strategy
    assert not plan.landmines and not plan.traps_to_defuse and not plan.talking_points
    assert plan.to_find_out and all(q.startswith('"') for q in plan.to_find_out)
    assert "kb:skill-competitive-positioning#when-there-is-no-battle-card" in plan.citations


@pytest.mark.parametrize("capability", ["deal_strategy", "pre_call_brief", "objection_guide"])
def test_no_positioning_is_invented_for_a_competitor_with_no_card(capability: str) -> None:
    ctx = make_context(deal=NO_CARD)
    extra = (
        {"message": "Zephyrion Works says they are easier"}
        if capability == "objection_guide"
        else {}
    )
    text = respond(capability, ctx, **extra)
    assert re.search(r"no battle card for Zephyrion Works", text)
    about = sentences_naming("Zephyrion", text)
    assert about and not any(OTHER_CARDS.search(s) for s in about)
    assert not any(re.search(r"Landmine|Talking points|Traps", s) for s in about)


def test_live_assist_says_there_is_no_card_and_what_to_ask() -> None:
    from agent.contracts.conversation import Utterance

    ctx = make_context(deal=NO_CARD)
    engine = LiveAssist(ctx, analyze_deal(ctx, AS_OF), index_for(SETTINGS))
    said = "We have also been talking to Zephyrion Works about this."
    cards = engine.feed(Utterance(index=0, speaker="Ann Champion", side="customer", text=said))
    assert cards and cards[0].kind == "competitor"
    assert "no battle card for Zephyrion Works" in cards[0].say
    assert cards[0].points and all(p.startswith("Ask: ") for p in cards[0].points)


# ---- figures heard second-hand ---------------------------------------------------------------


def _heard(text: str) -> DealContext:
    notes = [{"date": days_ago(2), "author": "rep-1", "text": text}]
    return make_context(deal={"competitors": ["Taskline"], "notes": notes})


def test_a_competitor_figure_heard_second_hand_is_a_claim_to_verify() -> None:
    ctx = _heard("Procurement heard Taskline is 30% cheaper than us.")
    (claim,) = claims_in(ctx, analyze_deal(ctx, AS_OF).reading, "Taskline")
    assert not claim.documented and claim.refs == ("deal.notes[0].text",)
    assert claim.text.startswith("Unverified claim about Taskline's price: 30% is only in")
    advice = respond("deal_strategy", ctx).split("## Sources")[0]
    lines = [line for line in advice.splitlines() if "30%" in line]
    assert lines and all("Unverified claim about Taskline's price" in line for line in lines)
    assert all("written quote" in line and "like for like" in line for line in lines)


def test_a_figure_from_a_written_quote_is_quoted_with_where_it_comes_from() -> None:
    ctx = _heard("Procurement shared Taskline's written quote: $24k a year for 40 users.")
    view = competitor_view("Taskline", ctx, KNOWLEDGE, AS_OF, analyze_deal(ctx, AS_OF).reading)
    (claim,) = view.claims
    assert claim.documented and "from a document on record" in claim.text
    assert "$24k a year for 40 users" in claim.text


def test_a_figure_whose_quote_the_customer_has_not_seen_is_a_claim_to_verify() -> None:
    """The twin of the written quote above: the text names the document as missing."""
    ctx = _heard(
        "Ann says Taskline offered $24k a year for 40 users, but has not seen a written quote."
    )
    view = competitor_view("Taskline", ctx, KNOWLEDGE, AS_OF, analyze_deal(ctx, AS_OF).reading)
    (claim,) = view.claims
    assert not claim.documented and claim.text.startswith("Unverified claim about Taskline")


def test_a_debrief_says_a_vendor_first_named_on_the_call_has_no_card() -> None:
    ctx = make_context(deal={"competitors": []})
    call = (
        "Rita Seller: Is anyone else being considered?\n"
        "Ann Champion: Procurement also asked us to look at Stackwise. They presented last week.\n"
    )
    text = respond("post_call_analysis", ctx, transcript=call)
    (line,) = [s for s in text.splitlines() if "Stackwise came up" in s]
    assert "no battle card for Stackwise" in line and "Find out:" in line


@pytest.mark.parametrize("capability", ["pre_call_brief", "objection_guide"])
def test_a_stale_customer_story_says_to_re_verify_it(capability: str) -> None:
    ctx = make_context(deal={"competitors": ["Taskline"]})
    late = dt.date(2028, 1, 1)  # every shipped proof point is older than the threshold by then
    extra = {"message": "Taskline is cheaper"} if capability == "objection_guide" else {}
    text = respond(capability, ctx, late, **extra)
    assert re.search(r"last verified \d{4}-\d\d-\d\d, more than 180 days before 2028-01-01", text)
    assert "re-verify before quoting its figures" in text
    assert "re-verify" not in respond(capability, ctx, AS_OF, **extra)


def test_a_model_rewrite_cannot_soften_what_to_check_before_quoting() -> None:
    from agent.capabilities.deal_strategy.contract import CompetitivePlan
    from agent.compose.prose import prose_schema

    schema = prose_schema(CompetitivePlan)
    assert schema is not None and "strategy" in schema.model_fields
    assert not {"cautions", "to_find_out", "last_verified"} & set(schema.model_fields)
