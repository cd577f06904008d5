"""The progress and record-history readers (agent/reading/progress.py, record_history.py) on
sentences written for these tests, none taken from the eval scenarios: what a note says was
done or not done, an activity held but never logged, and a record whose history is incomplete.
Each rule is tried on differently worded statements and on text that only mentions the words."""

from __future__ import annotations

import datetime as dt

import pytest

from agent.contracts.deal import Deal
from agent.contracts.facts import Fact
from agent.reading.dates import resolve_past
from agent.reading.progress import read_progress
from agent.reading.record_history import read_history_gaps

WRITTEN = dt.date(2026, 11, 4)  # a Wednesday
REF = "deal.notes[0].text"
DEAL = Deal.model_validate(
    {
        "id": "T-9",
        "name": "Test",
        "account": {"name": "Testco", "industry": "Retail"},
        "owner": {"id": "rep-1", "name": "Rita Seller"},
        "amount": 1000,
        "currency": "EUR",
        "stage": "Proposal",
        "created": "2026-06-01",
        "expected_close": "2027-01-31",
        "contacts": [{"id": "c-ines", "name": "Ines Duarte", "title": "Head of Operations"}],
    }
)


def progress(text: str) -> list[Fact]:
    return list(read_progress(REF, text, WRITTEN, DEAL))


def gaps(text: str) -> list[Fact]:
    return list(read_history_gaps(REF, text, WRITTEN))


# --- done, not done, or only mentioned ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Vendor risk form came back from procurement, approved on 28 Oct.",
        "Ines returned the completed vendor risk form last week.",
        "The vendor risk form was signed off by their compliance lead.",
    ],
)
def test_a_step_reported_done(text: str) -> None:
    found = progress(text)
    assert [f.done for f in found] == [True]
    assert found[0].quote in text and found[0].ref == REF


@pytest.mark.parametrize(
    "text",
    [
        "Compliance has not looked at the vendor risk form yet.",
        "The vendor risk form is still outstanding with their compliance team.",
        "Their compliance lead never returned the vendor risk form.",
    ],
)
def test_a_step_reported_not_done(text: str) -> None:
    assert [f.done for f in progress(text)] == [False]


@pytest.mark.parametrize(
    "text",
    [
        "Ines mentioned the vendor risk form at the end of the call.",  # a mention
        "Asked Ines to send the vendor risk form.",  # a request
        "We will return the vendor risk form once legal has approved it.",  # a plan
        "The vendor risk form should be approved before the pilot.",  # an expectation
    ],
)
def test_a_mention_a_request_or_a_plan_says_nothing_either_way(text: str) -> None:
    assert progress(text) == []


def test_each_clause_is_its_own_report() -> None:
    text = "Ran the pilot review with Ines; the vendor risk form is still outstanding."
    found = progress(text)
    assert [(f.done, f.quote) for f in found] == [
        (True, "Ran the pilot review with Ines"),
        (False, "the vendor risk form is still outstanding."),
    ]


# --- an activity held but never logged --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "on"),
    [
        (
            "Ran the value stream workshop with Ines on 29 Oct at their depot.",
            dt.date(2026, 10, 29),
        ),
        ("We held a whiteboarding workshop with the planners on Monday.", dt.date(2026, 11, 2)),
        ("Did the value stream workshop with Ines over Zoom, two hours.", WRITTEN),
    ],
)
def test_an_activity_the_text_says_was_held(text: str, on: dt.date) -> None:
    (fact,) = progress(text)
    assert fact.done and fact.activity == "workshop" and fact.on == on


def test_who_took_part_is_read_from_the_names() -> None:
    (fact,) = progress("Ran the value stream workshop with Ines on 29 Oct.")
    assert fact.attendees == ["c-ines"]


@pytest.mark.parametrize(
    "text",
    [
        "Proposed a value stream workshop for the week after next.",
        "The value stream workshop was postponed to January.",
        "Need to run the value stream workshop before the pilot.",
        "Workshop with Ines booked for 20 Nov.",
    ],
)
def test_a_workshop_proposed_postponed_or_booked_was_not_held(text: str) -> None:
    assert not [f for f in progress(text) if f.done]


def test_the_most_specific_activity_named_wins() -> None:
    assert progress("Gave the demo on a video call with Ines.")[0].activity == "demo"
    assert progress("Had a quick call with Ines about the site visit.")[0].activity == "call"


# --- the record's history is incomplete -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "until"),
    [
        (
            "Record moved over from Salesforce on 12 September. Older emails and call notes "
            "did not come across.",
            dt.date(2026, 9, 12),
        ),
        ("Activity log before 1 August was never imported from the previous CRM.", None),
        ("We lost the earlier meeting notes when the old HubSpot portal was shut down.", None),
        ("Opportunity history back-filled from the spreadsheet, so it is patchy.", None),
        ("Migrated this deal from the legacy system in October.", dt.date(2026, 10, 1)),
    ],
)
def test_a_history_gap_in_differently_worded_notes(text: str, until: dt.date | None) -> None:
    found = gaps(text)
    assert found and all(f.kind == "history_gap" and f.quote in text for f in found)
    if until is not None:
        assert found[0].until == until
    assert found[0].on == WRITTEN


def test_the_date_of_one_sentence_dates_the_gap_the_next_describes() -> None:
    found = gaps("Deal migrated from our old CRM on 3 March. Notes before that were not imported.")
    assert [f.until for f in found] == [dt.date(2026, 3, 3)] * 2


@pytest.mark.parametrize(
    "text",
    [
        "Ines asked whether their order history can be migrated from the legacy system.",
        "Data migration from the old ERP is the project's biggest risk.",
        "Their IT team migrated the activity log from the old platform last year.",
        "The records in their old warehouse system were not imported into the new ERP.",
        "Full activity history was imported from Salesforce.",
        "Ines wants the notes migrated from the old system before go-live.",
        "Migration is in scope for phase two.",
    ],
)
def test_the_customers_migration_a_plan_or_a_full_import_is_no_gap(text: str) -> None:
    assert gaps(text) == []


# --- dates in a report look back ----------------------------------------------------------


def test_dates_in_a_report_are_read_backwards() -> None:
    assert resolve_past("held on 3 Nov", WRITTEN) == dt.date(2026, 11, 3)
    assert resolve_past("held on 20 Nov", WRITTEN) == dt.date(2025, 11, 20)
    assert resolve_past("on Tuesday", WRITTEN) == dt.date(2026, 11, 3)
    assert resolve_past("on 20 Nov 2026", WRITTEN) == dt.date(2026, 11, 20)  # year written
