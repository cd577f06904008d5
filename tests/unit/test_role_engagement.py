"""Text that says someone in a buying role did something for the deal (sent, asked, runs,
reviewed) is that role's engagement, contact or not (agent/reading/people.py acted_for_deal,
analysis/evidence_people.py): procurement that mailed the onboarding pack is engaged, and the
person is an unmapped stakeholder to add. What only mentions the role, plans for it, or says we
did something to them is not."""

from __future__ import annotations

from typing import Any

import pytest

from agent.analysis import analyze_deal
from agent.analysis.model import Analysis, Signal
from agent.contracts.facts import Fact
from agent.reading.people import read_people
from tests.factories import AS_OF, days_ago, make_context
from tests.unit.test_reading_progress import DEAL

REF = "deal.notes[0].text"


def people(text: str) -> list[Fact]:
    return list(read_people(REF, text, DEAL, True))


@pytest.mark.parametrize(
    ("text", "who", "title"),
    [
        (
            "Tue: Mia Lund (Einkauf, category buyer indirect) mailed us the supplier onboarding "
            "pack and their price sheet.",
            "Mia Lund",
            "category buyer",
        ),
        (
            "Reto introduced us to Karl Ström, the senior buyer, who runs the commercial round "
            "from now on.",
            "Karl Ström",
            "senior buyer",
        ),
        ("Their head of procurement, Jana Novak, sent the vendor form.", "Jana Novak", None),
        ("Purchasing sent us the supplier registration form on Tuesday.", None, "Purchasing"),
        ("Someone from procurement has asked for our insurance certificate.", None, None),
    ],
)
def test_someone_in_procurement_who_did_something_for_the_deal(
    text: str, who: str | None, title: str | None
) -> None:
    found = [f for f in people(text) if f.role == "procurement"]
    assert len(found) == 1 and found[0].acted is True, text
    assert found[0].person == who
    if title:
        assert found[0].title == title


@pytest.mark.parametrize(
    ("text", "acted"),
    [
        ("The category buyer will send the pack next week.", None),  # a plan
        ("We emailed the category buyer our price sheet.", None),  # we acted, not they
        ("The new category buyer starts in April.", None),  # no deed for the deal
        ("The category buyer has not sent the pack yet.", False),  # said not done
    ],
)
def test_a_procurement_person_who_did_nothing_for_the_deal_yet(
    text: str, acted: bool | None
) -> None:
    (found,) = [f for f in people(text) if f.role == "procurement"]
    assert found.acted is acted


@pytest.mark.parametrize(
    "text",
    [
        "The procurement process takes six weeks.",
        "We sent procurement the form.",
        "Procurement kickoff with Bethany. She asked for a discount.",  # Bethany asked
        "Ann is the economic buyer and signs off anything above USD 50k.",
    ],
)
def test_a_department_only_mentioned_is_nobody(text: str) -> None:
    assert [f for f in people(text) if f.role == "procurement"] == []


# --- analysis: the role is engaged, the person unmapped --------------------------------------


def negotiating(note: str, **deal: Any) -> Analysis:
    """The factories' deal in Negotiation, 20 days before close, with a note."""
    ctx = make_context(
        deal={
            "stage": "Negotiation",
            "stage_history": [{"stage": "Negotiation", "entered": days_ago(10)}],
            "expected_close": days_ago(-20),
            "notes": [{"date": days_ago(2), "author": "rep-1", "text": note}],
            **deal,
        }
    )
    return analyze_deal(ctx, AS_OF)


def signal(analysis: Analysis, sid: str) -> Signal | None:
    return next((s for s in analysis.signals if s.id == sid), None)


@pytest.mark.parametrize(
    "note",
    [
        "Mia Lund (Einkauf, category buyer indirect) mailed us the supplier onboarding pack; "
        "she runs the commercial round with us, not Ann.",
        "Karl Ström, their senior buyer, sent the vendor questionnaire and our supplier number.",
    ],
)
def test_procurement_working_the_deal_is_engaged_and_to_be_added(note: str) -> None:
    analysis = negotiating(note)
    assert analysis.evidence["procurement_engaged"].met is True
    assert analysis.evidence["procurement_engaged"].citations == [REF]
    assert signal(analysis, "procurement_not_engaged") is None
    unmapped = signal(analysis, "unmapped_stakeholder")
    assert unmapped is not None and "already working the deal" in unmapped.detail
    assert unmapped.detail.endswith("add them to the CRM")


@pytest.mark.parametrize(
    "note",
    [
        "Asked Ann who in Einkauf handles this; she doesn't know yet. Nobody from purchasing "
        "involved so far. The order goes through supplier onboarding.",
        "The category buyer will send the onboarding pack once the new buyer starts. Supplier "
        "onboarding is required before the PO.",
    ],
)
def test_nobody_from_procurement_involved_is_not_engaged(note: str) -> None:
    analysis = negotiating(note)
    assert analysis.evidence["procurement_engaged"].met is False
    found = signal(analysis, "procurement_not_engaged")
    # the paperwork stage, the order said to go through procurement, close in 20 days
    assert found is not None and found.severity == "critical"


def test_a_contact_in_the_procurement_role_engaged_through_the_text() -> None:
    contacts = [
        {"id": "c-ann", "name": "Ann Champion", "title": "Director", "dmu_role": "champion"},
        {"id": "c-eve", "name": "Eve Buyer", "title": "Director", "dmu_role": "economic_buyer"},
        {"id": "c-pia", "name": "Pia Holm", "title": "Category Manager", "dmu_role": "procurement"},
    ]
    analysis = negotiating(
        "Pia Holm, the category manager, returned our signed NDA.", contacts=contacts
    )
    assert analysis.evidence["procurement_engaged"].met is True
    assert signal(analysis, "unmapped_stakeholder") is None
