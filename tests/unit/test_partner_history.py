"""A partner, reseller or integrator that ran the deal's early steps and keeps its own minutes
(agent/reading/record_history.py, read_partner_history): the steps it ran are unknown, not
missed, and the rep is asked for the partner's minutes; a note that the partner held a named
step, with nothing saying its records are elsewhere, is that step held (log it). Sentences
written for these tests, unlike the held-out scenario's."""

from __future__ import annotations

import datetime as dt

import pytest

from agent.analysis import analyze_deal
from agent.contracts.facts import Fact
from agent.reading.record_history import read_partner_history
from tests.factories import AS_OF, activity, days_ago
from tests.unit.test_process_steps import deal, steps

WRITTEN = dt.date(2026, 11, 4)
REF = "deal.notes[0].text"


def gaps(text: str) -> list[Fact]:
    return list(read_partner_history(REF, text, WRITTEN, deal().deal))


@pytest.mark.parametrize(
    ("text", "holder"),
    [
        (
            "Registered through our reseller Cedar IT. Cedar ran the first calls and the "
            "discovery sessions; their notes sit in their PRM, not in our CRM.",
            "Cedar IT",
        ),
        (
            "Partner-sourced: Acme Integrators did intro and discovery in the summer. We don't "
            "have their minutes.",
            "the partner",
        ),
        (
            "The deal was qualified by the channel partner Nordlys AS. Meeting notes are kept in "
            "the partner's portal.",
            "Nordlys AS",
        ),
    ],
)
def test_a_partner_ran_the_early_steps_and_keeps_the_records(text: str, holder: str) -> None:
    found = gaps(text)
    assert len(found) == 1 and found[0].kind == "history_gap" and found[0].ref == REF
    assert found[0].holder == holder and found[0].quote in text


@pytest.mark.parametrize(
    "text",
    [
        # the customer's partner and the customer's project
        "Their partner Accenture ran the ERP migration; the project notes are in Accenture's "
        "portal.",
        # a plan, not a history
        "The reseller will run the discovery workshop; minutes will be in their portal.",
        # the partner held a step, and nothing says its records are elsewhere
        "Partner Acme ran the discovery workshop with Ines on 3 Nov.",
        # records elsewhere, but no partner ran anything
        "Their maintenance records are in SAP, not in our CRM.",
    ],
)
def test_near_misses_are_no_partner_gap(text: str) -> None:
    assert gaps(text) == []


def test_the_stage_we_took_over_at_is_where_the_record_starts() -> None:
    text = (
        "Deal reg by partner Cedar IT; their AM ran the walkthrough, minutes are in their "
        "partner portal not in our CRM. We took over from Evaluate stage."
    )
    (found,) = gaps(text)
    assert found.until is not None and found.until.isoformat() == days_ago(60)  # Evaluate


PARTNER = (
    "Sourced by our reseller Cedar IT. Their consultant did the introductory meeting and the "
    "value stream workshop; the minutes are in Cedar's portal, not in our CRM. We took over "
    "from Evaluate stage."
)


def test_the_steps_the_partner_ran_are_unknown_and_the_minutes_asked_for() -> None:
    found = steps(deal([PARTNER], [activity("a2", 40, ["c-ines", "c-omar", "rep-1"], "demo")]))
    for step_id in ("sc-walk", "sc-intro"):
        step = found[step_id]
        assert step.status == "unknown", step_id
        assert step.correction and "Cedar IT" in step.correction and "minutes" in step.correction
        assert "kept by Cedar IT" in step.evidence
    assert found["ev-demo"].status == "done"  # ours, after the takeover


def test_the_partner_gap_is_shared_with_the_analysis() -> None:
    analysis = analyze_deal(deal([PARTNER]), AS_OF)
    gap = analysis.record_gap
    assert gap is not None and gap.holder == "Cedar IT" and gap.until.isoformat() == days_ago(60)


def test_without_a_partner_the_same_absences_are_missed() -> None:
    found = steps(deal(["Ines wants all mill traffic through her office."], []))
    assert found["sc-walk"].status == "missed" and found["sc-intro"].status == "missed"


def test_a_note_that_the_partner_held_a_named_step_counts_it_done_with_a_request_to_log() -> None:
    note = f"Partner Cedar IT ran the value stream workshop with Ines and Omar on {days_ago(80)}."
    step = steps(deal([note], []))["sc-walk"]
    assert step.status == "done" and REF in step.citations
    assert step.correction and step.correction.startswith("Log the workshop")
