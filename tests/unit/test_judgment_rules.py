"""Judgment rules that read who is in the room, what a message compares and where a customer
story comes from: each tested on two wordings or two deals, and on the case where it must not
fire."""

from __future__ import annotations

import pytest

from agent.analysis import analyze_deal
from agent.capabilities.common.meeting import focus_for
from agent.capabilities.common.stories import industry_note, none_in_industry, same_industry
from agent.capabilities.objection_guide.ranking import matched
from agent.contracts.meeting_prep import Attendee
from agent.reading.competitors import Competitors
from agent.retrieval import citable_documents, index_for
from agent.settings import CoachContext
from knowledge.retriever import Passage, SearchFilters
from tests.factories import AS_OF, activity, contact, days_ago, make_context

KNOWLEDGE = citable_documents(CoachContext())
INDEX = index_for(CoachContext())
RIVALS = Competitors.of(["Corvane", "Taskline", "Nimbra"])


def search(query: str, filters: SearchFilters) -> list[Passage]:
    return INDEX.search(query, k=10, filters=filters, mode="lexical")


@pytest.mark.parametrize(
    "said",
    [
        "Procurement says Corvane came in 30% cheaper than your proposal.",
        "Corvane's quote is a lot lower than yours, about 25% below.",
    ],
)
def test_a_price_comparison_with_a_rival_is_matched_to_a_price_entry(said: str) -> None:
    found = matched(said, search, KNOWLEDGE, RIVALS, ["Corvane"])
    assert found is not None and found[0].id == "obj-competitor-is-cheaper"


def test_a_rival_named_without_a_price_keeps_the_rivals_own_entry() -> None:
    found = matched(
        "We are also evaluating Corvane for this.", search, KNOWLEDGE, RIVALS, ["Corvane"]
    )
    assert found is not None and found[0].id == "obj-already-talking-to-corvane"


def test_a_rival_with_its_own_price_entry_keeps_it() -> None:
    found = matched(
        "Taskline came in 30% cheaper than you.", search, KNOWLEDGE, RIVALS, ["Taskline"]
    )
    assert found is not None and found[0].id == "obj-taskline-is-cheaper"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Logistics & freight", "Logistics & freight - same-day courier", True),
        ("Utilities - water and wastewater", "Utilities (water)", True),
        ("Port logistics - container terminal services", "Logistics & freight", False),
        ("Healthcare provider", "Retail - home furnishings", False),
        ("", "Retail", False),
    ],
)
def test_industries_compare_by_sector(a: str, b: str, same: bool) -> None:
    assert same_industry(a, b) is same


def test_a_story_from_another_industry_says_so_and_the_library_gap_is_named() -> None:
    lowmoor = KNOWLEDGE["pp-lowmoor-water-work-orders"]
    assert industry_note(lowmoor, "Utilities - electricity distribution") == ""
    assert "another industry: Utilities" in industry_note(lowmoor, "Port and marine terminals")
    assert none_in_industry(KNOWLEDGE, "Utilities - gas") is None
    gap = none_in_industry(KNOWLEDGE, "Port and marine terminal operations")
    assert gap is not None and "(Port and marine terminal operations)" in gap


def _late_deal(*, procurement_met: bool) -> tuple[list[Attendee], object]:
    touched = ["c-ann", "c-pat", "rep-1"] if procurement_met else ["c-ann", "rep-1"]
    ctx = make_context(
        deal={
            "stage": "Negotiation",
            "stage_history": [{"stage": "Negotiation", "entered": days_ago(5)}],
            "contacts": [
                contact("c-ann", "Ann Champion", "champion", sentiment="positive"),
                contact("c-eve", "Eve Buyer", "economic_buyer"),
                contact("c-pat", "Pat Purchasing", "procurement"),
            ],
            "activities": [activity("a1", 4, touched), activity("a2", 3, ["c-eve", "rep-1"])],
        }
    )
    analysis = analyze_deal(ctx, AS_OF)
    champion = Attendee(
        person_id="c-ann", name="Ann Champion", title="Director", side="customer", role="champion"
    )
    return [champion], analysis


def test_procurement_never_involved_late_in_the_deal_becomes_the_meetings_ask() -> None:
    attendees, analysis = _late_deal(procurement_met=False)
    focus = focus_for(analysis, attendees, "default")  # type: ignore[arg-type]
    assert "introduction to Pat Purchasing (procurement)" in focus.close_on
    assert focus.citations == ("deal.contacts[2]",)


def test_procurement_already_involved_is_not_introduced_again() -> None:
    attendees, analysis = _late_deal(procurement_met=True)
    focus = focus_for(analysis, attendees, "default")  # type: ignore[arg-type]
    assert "Pat Purchasing" not in focus.close_on
