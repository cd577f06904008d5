"""Whose words an element's evidence is, on sentences written for these tests (none taken from the
eval scenarios): a compelling or critical event, a metric and a root cause count when the
customer states them or the record holds them as the customer's facts, never when they are the
seller's own proposal, estimate or hunch; and elements that live in free text are read from it,
not declared not applicable. The same rules serve every methodology that maps to the check."""

from __future__ import annotations

from typing import Any

import pytest

from agent.analysis import analyze_deal
from agent.capabilities.methodology_coaching.build import coach_methodology
from agent.capabilities.methodology_coaching.contract import ElementScore
from agent.contracts.context import DealContext
from agent.reading.fields import read_fields
from agent.reading.stated import Stated, read_stated
from tests.factories import AS_OF, activity, contact, make_context
from tests.unit.test_methodology_coaching import knowledge

PEOPLE = [
    contact("c-nadia", "Nadia Okafor", "user", title="Head of Inbound Logistics"),
    contact("c-tom", "Tom Brandt", "champion", title="Operations Manager"),
    contact("c-helen", "Helen Cho", "economic_buyer", title="Chief Financial Officer"),
]


def deal(*summaries: str, notes: tuple[str, ...] = (), **fields: Any) -> DealContext:
    """Activities with Nadia, Tom and the rep carrying the summaries; notes written by the rep;
    no discovery or value section unless given."""
    acts = [
        activity(f"a{i}", 20 - i, ["c-nadia", "c-tom", "rep-1"], summary=text)
        for i, text in enumerate(summaries)
    ]
    written = [{"date": "2026-11-01", "author": "rep-1", "text": t} for t in notes]
    sections = {k: fields.pop(k) for k in ("discovery", "value") if k in fields}
    return make_context(
        deal={
            "contacts": PEOPLE,
            "activities": acts or [activity("a0", 20, ["c-nadia", "rep-1"])],
            "notes": written,
            "team": [{"id": "se-1", "name": "Sam Keller", "role": "solutions_engineer"}],
            **fields,
        },
        process=None,
        **sections,
    )


def element(ctx: DealContext, methodology: str, name: str) -> ElementScore:
    result = coach_methodology(ctx, analyze_deal(ctx, AS_OF), knowledge(), methodology)
    return next(s for s in result.scorecard if s.element == name)


def events(ctx: DealContext) -> list[tuple[bool, str]]:
    return [(r.met, r.owner) for r in read_fields(ctx) if r.check == "compelling_event"]


def stated(ctx: DealContext, kind: str) -> list[Stated]:
    return [s for s in read_stated(ctx) if s.kind == kind]


# Rule 1: a compelling (critical) event is a date with consequences the customer owns; a date
# the seller proposed is not one, wherever the rep writes it and whatever label they give it.


@pytest.mark.parametrize(
    "note",
    [
        "Nadia said our licence runs out on 30 June.",
        "Tom: the outsourcing contract with Callport ends on 31 March and will not be renewed.",
        "The e-invoicing mandate takes effect in January 2027.",
        "If the new dock system is not live by then, the retailer penalties land on Tom's team.",
        "The line must be live before the spring inspection.",
    ],
)
def test_a_date_the_customer_owns_is_a_compelling_event(note: str) -> None:
    assert events(deal(notes=(note,))) and all(
        met and owner != "seller" for met, owner in events(deal(notes=(note,)))
    )


@pytest.mark.parametrize(
    "note",
    [
        "I suggested we aim for July.",
        "I told Nadia that if they sign by March we can go live before 1 July and keep the "
        "launch-year price.",
        "We proposed a go-live by 15 May so the rollout finishes in our quarter.",
    ],
)
def test_a_date_the_seller_proposed_is_recorded_as_the_sellers(note: str) -> None:
    assert events(deal(notes=(note,))) == [(True, "seller")]


@pytest.mark.parametrize(
    "note",
    [
        'Tom said there is no hard date on their side: "we go when it is ready".',
        "Nadia says they are not in a rush.",
    ],
)
def test_the_customer_saying_there_is_no_date_records_it_as_missing(note: str) -> None:
    assert events(deal(notes=(note,))) == [(False, "customer")]


def test_critical_event_and_timeline_follow_whose_date_it_is() -> None:
    ours = deal(
        notes=(
            "I suggested we aim for July so Nadia keeps the launch-year price.",
            "Tom said there is no hard date on their side.",
        )
    )
    critical = element(ours, "SPICED", "Critical Event")
    assert critical.status == "gap" and "we proposed" in critical.evidence
    assert "not a compelling event" in critical.evidence
    assert element(ours, "BANT", "Timeline").status == "gap"
    theirs = deal(notes=("Nadia said our licence runs out on 30 June.",))
    assert element(theirs, "SPICED", "Critical Event").status == "supported"
    assert element(theirs, "BANT", "Timeline").status == "supported"
    # An upstream discovery file with no event does not hide the customer's date in the text.
    recorded = deal(notes=("Nadia said our licence runs out on 30 June.",), discovery={})
    assert element(recorded, "SPICED", "Critical Event").status == "supported"


# Rule 2: a root cause is the customer's diagnosis of why, read from free text; symptoms, load
# and our own hunch are not one.


@pytest.mark.parametrize(
    "summary",
    [
        "Root cause, per Tom: nobody owns the handover between planning and the warehouse.",
        "Nadia explained that the mismatches come from two price lists that are never "
        "synchronised.",
        "Tom said the delays are caused by re-keying every order from the carrier portal.",
        "The reason for the late invoices is that there is no owner for supplier master data.",
    ],
)
def test_a_cause_the_customer_states_supports_root_cause(summary: str) -> None:
    found = stated(deal(summary), "cause")
    assert [(s.part, s.theirs) for s in found] == [("cause", True)]
    root = element(deal(summary), "Gap Selling", "Root Cause")
    assert root.status == "supported" and root.citations == ["deal.activities[0].summary"]


@pytest.mark.parametrize(
    ("summary", "why"),
    [
        ("Problem: volumes are up and the backlog keeps growing.", "only symptoms"),
        ("The backlog grew because volumes are up.", "load, a symptom"),
        (
            "Tom asked whether the delays come from the carrier or from the warehouse.",
            "not diagnosed",
        ),
        ("Sam Keller thinks the root cause is the ERP interface.", "a cause we suspect"),
    ],
)
def test_symptoms_load_questions_and_our_hunch_are_not_a_root_cause(summary: str, why: str) -> None:
    root = element(deal(summary), "Gap Selling", "Root Cause")
    assert root.status == "gap" and why in root.evidence


def test_root_cause_is_read_from_the_text_not_declared_not_applicable() -> None:
    quiet = element(deal("Demo of the dock board."), "Gap Selling", "Root Cause")
    assert quiet.status == "unknown"  # no problem on record and no discovery input
    assert element(deal("Demo.", discovery={}), "Gap Selling", "Root Cause").status == "gap"
    # Why a step of the purchase is late is not why the customer's problem exists.
    assert not stated(deal("The pricing extract is delayed because the BI team is busy."), "cause")


# Rule 3: metrics are a baseline and a target of the same measure in the customer's numbers; our
# estimate is not their metric, least of all when they question it.


@pytest.mark.parametrize(
    "summary",
    [
        'Helen said: "Our BI shows 4.2 days today, we want 2."',
        "Nadia told us picking errors were 3.1% last quarter and her target is 1% by Q3.",
        'Tom wrote: "Unloading takes 95 minutes on average; we need it under 45 minutes."',
    ],
)
def test_a_baseline_and_a_target_the_customer_states_support_metrics(summary: str) -> None:
    ctx = deal(summary)
    parts = {s.part for s in stated(ctx, "metric") if s.owner == "customer"}
    assert {"baseline", "target"} <= parts
    metrics = element(ctx, "MEDDICC", "Metrics")
    assert metrics.status == "supported" and "a baseline and a target" in metrics.evidence
    assert element(ctx, "Command of the Message", "Metrics").status == "supported"


@pytest.mark.parametrize(
    "summary",
    [
        "We reckon 30% fewer picking errors, based on other distributors.",
        "Proposal sent. Our estimate in the business case: 30% faster unloading.",
    ],
)
def test_our_estimate_is_not_the_customers_metric(summary: str) -> None:
    assert [s.part for s in stated(deal(summary), "metric")] == ["estimate"]
    metrics = element(deal(summary), "MEDDICC", "Metrics")
    assert metrics.status == "gap" and "our own estimate, not yet confirmed" in metrics.evidence


def test_an_estimate_the_customer_disputes_is_a_gap_that_says_so() -> None:
    ctx = deal(
        "Our estimate: 30% faster unloading, based on other distributors.",
        'Helen replied: "We have never measured unloading time, so where does your 30% come from?"',
    )
    metrics = element(ctx, "MEDDICC", "Metrics")
    assert metrics.status == "gap" and "Helen Cho (Chief Financial Officer)" in metrics.evidence
    # The rep's own "no figures yet" is not the customer's word: it records nothing.
    assert not stated(deal("No figures yet on unloading time."), "metric")


@pytest.mark.parametrize(
    "summary",
    [
        # different measures: a cost baseline and a lead-time target
        'Nadia said: "Rework cost us EUR 600k last year; we want lead time under 10 days."',
        # a payback the buyer wants and a target signature date are tests of our offer
        "Helen wants payback under 12 months; target signature 2026-09-30.",
    ],
)
def test_half_a_metric_or_a_test_of_our_offer_does_not_support_metrics(summary: str) -> None:
    assert element(deal(summary), "MEDDICC", "Metrics").status != "supported"


# The same logic across methodologies: the customer's words, about what the element asks.


def test_a_quantified_impact_in_the_customers_words_supports_spiced_impact() -> None:
    theirs = deal("Impact: Nadia estimates USD 400k a year in overtime and detention fees.")
    assert element(theirs, "SPICED", "Impact").status == "supported"
    ours = deal(notes=("Impact: we estimate they lose USD 400k a year.",))
    assert element(ours, "SPICED", "Impact").status == "gap"


def test_current_and_future_state_are_read_from_free_text() -> None:
    ctx = deal(
        "Current state: inbound bookings arrive by email and are re-keyed into the yard system.",
        notes=("Future state per Tom: every truck booked online, unloading under 45 minutes.",),
    )
    for methodology, name in (
        ("Gap Selling", "Current State"),
        ("SPICED", "Situation"),
        ("SPIN", "Situation"),
        ("Gap Selling", "Future State"),
    ):
        assert element(ctx, methodology, name).status == "supported", (methodology, name)
    assert element(deal("Demo.", discovery={}), "Gap Selling", "Current State").status == "gap"


def test_a_problem_the_seller_suggests_is_not_the_customers_pain() -> None:
    ours = deal(notes=("Pain: we think their approvals are slow.",))
    assert element(ours, "MEDDICC", "Identify Pain").status != "supported"
    theirs = deal("Pain: approvals stall for a week whenever Helen travels.")
    assert element(theirs, "MEDDICC", "Identify Pain").status == "supported"
