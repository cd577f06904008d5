"""Every capability that speaks of a competitor goes through common/competition.py: next best
action and the meeting agenda say a rival with no card has none (and what to find out) and
use a rival's vetted card when there is one; the objection guide finds the competitive agent's
card for the rival the customer named, however the rep shortens its name, and quotes only the
lines whose figures have a source."""

from __future__ import annotations

import re
from typing import Any

import pytest

from agent.analysis import analyze_deal
from agent.capabilities.common.competition import competition_points, rivals
from agent.capabilities.next_best_action.contract import NextBestActionResult
from agent.capabilities.objection_guide.build import build_objection_guide
from agent.contracts import CoachingRequest
from agent.contracts.context import DealContext
from agent.contracts.response import CoachingResponse
from agent.reading.competitors import Competitors, short_name
from agent.reading.read import read_deal
from agent.retrieval import citable_documents, index_for
from agent.service import coach
from agent.settings import CoachContext
from knowledge.retriever import Passage, SearchFilters
from tests.factories import AS_OF, days_ago, make_context

SETTINGS = CoachContext(outbox=None, memory=None)
KNOWLEDGE = citable_documents(SETTINGS)
NO_CARD_GUIDE = "kb:skill-competitive-positioning#when-there-is-no-battle-card"
# Lines of the library's cards a borrowed positioning would repeat.
OTHER_CARDS = re.compile(
    r"low-code|IT backlog|9-12 months|a fifth|credit card|process mining|audit"
)


def respond(capability: str, ctx: DealContext, **extra: Any) -> CoachingResponse:
    response = coach(
        CoachingRequest(capability=capability, deal=ctx, as_of=AS_OF, **extra), SETTINGS
    )
    assert isinstance(response, CoachingResponse)
    assert response.check.passed, response.check.findings
    return response


def _search(query: str, filters: SearchFilters) -> list[Passage]:
    return index_for(SETTINGS).search(query, k=10, filters=filters, mode="lexical")


def guide(ctx: DealContext, message: str) -> Any:
    return build_objection_guide(ctx, analyze_deal(ctx, AS_OF), KNOWLEDGE, _search, message)


# ---- next best action and the agenda: one no-card path, one card path -------------------------


@pytest.mark.parametrize("rival", ["Lattice Relay", "Zephyrion Works"])
def test_next_best_action_says_a_new_rival_has_no_card_and_what_to_find_out(rival: str) -> None:
    notes = [{"date": days_ago(3), "author": "rep-1", "text": f"{rival} pitched to Ann last week."}]
    response = respond(
        "next_best_action", make_context(deal={"competitors": [rival], "notes": notes})
    )
    result = response.result
    assert isinstance(result, NextBestActionResult)
    (point,) = result.competition
    assert point.text.startswith(f"There is no battle card for {rival}")
    assert '; ask "' in point.text  # the library's questions for a rival without a card
    assert point.citations == ["deal.competitors[0]", NO_CARD_GUIDE]
    about = [s for s in re.split(r"[.\n]", response.markdown) if rival.split()[0] in s]
    assert about and not any(OTHER_CARDS.search(s) for s in about)
    assert "## Competition" in response.markdown


@pytest.mark.parametrize(
    ("rival", "card", "line"),
    [
        ("Taskline", "bc-taskline", "tamper-evident audit trail"),
        ("Corvane", "bc-corvane", None),
    ],
)
def test_next_best_action_uses_a_rivals_library_card(
    rival: str, card: str, line: str | None
) -> None:
    response = respond("next_best_action", make_context(deal={"competitors": [rival]}))
    result = response.result
    assert isinstance(result, NextBestActionResult)
    first = result.competition[0]
    assert first.text.startswith(f"{rival}: the knowledge base's battle card ({card})")
    assert any(c.startswith(f"kb:{card}#") for c in first.citations)
    assert line is None or line in first.text
    assert f"no battle card for {rival}" not in response.markdown


def test_next_best_action_without_a_competitor_says_nothing_about_competition() -> None:
    response = respond("next_best_action", make_context(deal={"competitors": []}))
    assert isinstance(response.result, NextBestActionResult)
    assert response.result.competition == []
    assert "## Competition" not in response.markdown and "battle card for" not in response.markdown


@pytest.mark.parametrize(
    ("rival", "expected"),
    [
        (
            "Zephyrion Works",
            "If they bring up Zephyrion Works: there is no battle card for Zephyrion",
        ),
        ("Nimbra", "If they bring up Nimbra: the knowledge base's battle card (bc-nimbra)"),
    ],
)
def test_the_agenda_plans_for_each_rival_coming_up(rival: str, expected: str) -> None:
    text = respond("meeting_agenda", make_context(deal={"competitors": [rival]})).markdown
    assert expected in text.split("## Contingencies")[0]


def test_the_agenda_without_a_competitor_plans_for_none() -> None:
    text = respond("meeting_agenda", make_context(deal={"competitors": []})).markdown
    assert "If they bring up" not in text


def test_the_competitive_agents_card_is_vetted_the_same_everywhere() -> None:
    card = {
        "competitor": "Helixor",
        "weaknesses": ["Their licences cost 37% more after year one"],
        "talking_points": ["IT owns every change"],
    }
    ctx = make_context(deal={"competitors": ["Helixor"]}, competitive={"battle_cards": [card]})
    points = competition_points(ctx, KNOWLEDGE, AS_OF)
    assert points[0].text == "Helixor: the competitive agent's battle card: IT owns every change"
    assert (
        "with no source are left out (competitive.battle_cards[0].weaknesses[0])" in points[1].text
    )
    for capability in ("next_best_action", "meeting_agenda"):
        assert "37%" not in respond(capability, ctx).markdown


def test_rivals_in_play_are_the_deals_then_the_competitive_agents_then_those_named() -> None:
    ctx = make_context(
        deal={"competitors": ["Taskline"]},
        competitive={
            "battle_cards": [{"competitor": "Quorra Automate"}, {"competitor": "taskline"}]
        },
    )
    assert rivals(ctx, ["Nimbra", "TASKLINE"]) == ["Taskline", "Quorra Automate", "Nimbra"]


# ---- a shortened name is the competitor ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Quorra Automate", "Quorra"),
        ("Orquesta Cloud", "Orquesta"),
        ("Power Automate", None),  # a generic word
        ("In-house build", None),  # not a name
        ("Taskline", None),  # one word already
        ("SAP Ariba", None),  # too short to stand alone
    ],
)
def test_a_name_of_several_words_may_stand_for_its_first(name: str, short: str | None) -> None:
    assert short_name(name) == short


def test_a_short_name_is_matched_capitalised_and_only_when_no_other_name_shares_it() -> None:
    names = Competitors.of(["Quorra Automate", "Kaizen Loop"])
    assert names.name_of("Quorra") == "Quorra Automate"
    assert names.pattern.search("Quorra came in cheaper")
    assert names.pattern.search("we ran a kaizen workshop") is None
    shared = Competitors.of(["Acmelo Flow", "Acmelo Desk"])
    assert shared.pattern.search("Acmelo is cheaper") is None
    assert Competitors.of(["Quorra", "Quorra Automate"]).aliases == ()  # a name already


def test_a_rivals_short_name_in_a_note_is_a_comparison_with_that_rival() -> None:
    notes = [
        {"date": days_ago(3), "author": "rep-1", "text": "Quorra's price is lower, Liam says."}
    ]
    ctx = make_context(deal={"competitors": ["Quorra Automate"], "notes": notes})
    (fact,) = read_deal(ctx, AS_OF).of("comparison")
    assert (fact.competitor, fact.claim) == ("Quorra Automate", "price")
    lower = notes[0] | {"text": "quorra's price is lower, Liam says."}
    ctx = make_context(deal={"competitors": ["Quorra Automate"], "notes": [lower]})
    assert read_deal(ctx, AS_OF).of("comparison") == []


# ---- the objection guide uses the competitive agent's card, vetted ---------------------------

QUORRA_CARD = {
    "competitor": "Quorra Automate",
    "last_verified": "2026-11-01",
    "weaknesses": ["No offline mobile capture for sites without coverage"],
    "talking_points": [
        "Quorra raises list prices 18% at the first renewal",
        "Quorra customers need about 2.5 FTE of administrators per 100 users",
        "Ask how jobs will be captured at sites with no coverage",
    ],
}
VANTAGE_CARD = {
    "competitor": "Vantage Flowworks",
    "weaknesses": ["Every integration is a services project"],
    "talking_points": ["Vantage renewals rose 12% in 2026"],
}


def _with_card(rival: str, card: dict[str, Any], sources: list[Any] | None = None) -> DealContext:
    return make_context(
        deal={"competitors": [rival]},
        competitive={"battle_cards": [{**card, "sources": sources or []}]},
    )


@pytest.mark.parametrize(
    ("rival", "card", "message", "kept", "figures"),
    [
        (
            "Quorra Automate",
            QUORRA_CARD,
            "Liam says Quorra works out cheaper over 3 yrs and they're leaning that way",
            "No offline mobile capture",
            ["18%", "2.5 FTE"],
        ),
        (
            "Vantage Flowworks",
            VANTAGE_CARD,
            "Vantage came in cheaper than your proposal",
            "Every integration is a services project",
            ["12%"],
        ),
    ],
)
def test_a_competitor_objection_uses_the_agents_card_without_its_unsourced_figures(
    rival: str, card: dict[str, Any], message: str, kept: str, figures: list[str]
) -> None:
    result = guide(_with_card(rival, card), message)
    top = result.objections[0]
    assert top.objection_id == "obj-competitor-is-cheaper"
    answers = " / ".join(top.data_answers)
    assert f"Against {rival}: {kept}" in answers
    assert "state a figure with no source are left out" in answers
    assert not any(f in answers for f in figures)
    sourced = guide(
        _with_card(rival, card, [{"source": "Win-loss interviews", "figures": figures}]), message
    )
    answers = " / ".join(sourced.objections[0].data_answers)
    assert all(f in answers for f in figures) and "no source" not in answers


def test_the_agents_card_for_a_rival_only_the_customer_names_is_used() -> None:
    ctx = make_context(deal={"competitors": []}, competitive={"battle_cards": [QUORRA_CARD]})
    top = guide(ctx, "Quorra is cheaper over three years").objections[0]
    assert any(a.startswith("Against Quorra Automate: ") for a in top.data_answers)


def test_the_raised_objection_answers_with_the_rival_named_not_every_rival() -> None:
    ctx = make_context(
        deal={"competitors": ["Quorra Automate", "Taskline"]},
        competitive={"battle_cards": [QUORRA_CARD]},
    )
    top = guide(ctx, "Taskline came in cheaper than you").objections[0]
    answers = " / ".join(top.data_answers)
    assert "Against Taskline" in answers and "Quorra" not in answers


def test_an_objection_about_something_else_quotes_no_card() -> None:
    result = guide(
        _with_card("Quorra Automate", QUORRA_CARD), "We need an out clause in the contract"
    )
    top = result.objections[0]
    assert top.category not in ("competitor", "price")
    assert not any("Quorra" in a for a in top.data_answers)
