"""The fresh-eyes hotel deal (the scenario's, read inline): a champion going on parental
leave with a contact named to cover (before the leave the next best action names it where it
lists her; during it the asks go to the cover; after it she is back), and a budget committee
after the close date (a plan works toward a date the customer agrees). Each with its twin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from agent.capabilities.next_best_action.contract import NextBestActionResult
from agent.contracts.request import CoachingRequest
from agent.service import coach

SCENARIO = (
    Path(__file__).parents[2]
    / "evals/scenarios/stakeholder_strategy/jdg-stk-champion-on-leave-with-cover.yaml"
)
LEAVE = "Going on parental leave from 15 December until mid-March; Pablo Ortega covers for her."


def _action(as_of: dt.date, notes: str | None = LEAVE) -> tuple[NextBestActionResult, str]:
    body: dict[str, Any] = yaml.safe_load(SCENARIO.read_text())["request"]
    body["deal"]["deal"]["contacts"][0]["notes"] = notes
    request = CoachingRequest.model_validate(
        {**body, "as_of": as_of, "capability": "next_best_action"}
    )
    response = coach(request)
    assert isinstance(response.result, NextBestActionResult)
    return response.result, response.markdown


def _marta(result: NextBestActionResult) -> str | None:
    target = next(t for t in result.primary.targets if t.name == "Marta Vidal")
    return target.absence


def test_before_the_leave_the_plan_names_it_and_during_it_goes_through_the_cover() -> None:
    before, _ = _action(dt.date(2026, 11, 20))
    assert _marta(before) == f'"{LEAVE}"'
    during, markdown = _action(dt.date(2027, 1, 5))
    assert _marta(during) == f'away until 2027-03-01 ("{LEAVE}"); Pablo Ortega covers'
    assert "Pablo Ortega (standing in for Marta Vidal)" in markdown
    after, markdown = _action(dt.date(2027, 3, 5))
    assert _marta(after) is None and "standing in for" not in markdown


def test_without_the_leave_nothing_is_said_of_her_absence() -> None:
    result, markdown = _action(dt.date(2026, 11, 20), notes=None)
    assert _marta(result) is None and "parental leave" not in markdown


def test_a_plan_works_toward_a_date_the_customer_agrees_when_the_close_cannot_hold() -> None:
    """The scenario's note: the budget committee meets on 14 January, after the 18 December
    close. Its twin: without the note the plan works toward 18 December."""
    from agent.analysis import analyze_deal
    from agent.capabilities.common.playbook import deal_values
    from agent.contracts.context import DealContext

    body: dict[str, Any] = yaml.safe_load(SCENARIO.read_text())["request"]
    ctx = DealContext.model_validate(body["deal"])
    values = deal_values(ctx, analyze_deal(ctx, dt.date(2026, 11, 20)))
    assert values["target_close"] == "a date the customer agrees (2026-12-18 cannot hold)"
    assert values["close_date"] == "2026-12-18"
    body["deal"]["deal"]["notes"] = []
    ctx = DealContext.model_validate(body["deal"])
    assert deal_values(ctx, analyze_deal(ctx, dt.date(2026, 11, 20)))["target_close"] == (
        "2026-12-18"
    )
    late = deal_values(ctx, analyze_deal(ctx, dt.date(2026, 12, 28)))["target_close"]
    assert late == "a new date the customer agrees (2026-12-18 has passed)"


def _brief_attendees(next_step: str) -> tuple[list[str], str]:
    body: dict[str, Any] = yaml.safe_load(SCENARIO.read_text())["request"]
    body["deal"]["deal"]["next_step"] = next_step
    request = CoachingRequest.model_validate({**body, "capability": "pre_call_brief"})
    response = coach(request)
    names = [a.name for a in response.result.meeting.attendees if a.side == "customer"]
    return names, response.markdown


def test_a_brief_without_attendees_is_for_the_meeting_the_next_step_plans() -> None:
    """ "Proposal walkthrough with Marta and the finance director" on 27 November: Marta and
    Jorge (by his title). The twin: a next step that is no meeting leaves the room a guess."""
    names, markdown = _brief_attendees("Proposal walkthrough with Marta and the finance director")
    assert names == ["Marta Vidal", "Jorge Salas"]
    assert "the meeting planned as the next step for 2026-11-27" in markdown
    names, markdown = _brief_attendees("Send the revised proposal to Marta")
    assert "Jorge Salas" not in names and "planned as the next step" not in markdown


def _guide(edit: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """The guide's objections, each with the labels of the signals behind it."""
    body: dict[str, Any] = yaml.safe_load(SCENARIO.read_text())["request"]
    for key, value in (edit or {}).items():
        body["deal"]["deal"][key] = value
    request = CoachingRequest.model_validate({**body, "capability": "objection_guide"})
    result = coach(request).result
    return {
        o.objection_id: [w.statement.split(":")[0] for w in o.why if w.factor == "signal"]
        for o in result.objections
    }


def test_a_rival_price_and_a_committee_on_record_rank_their_objections() -> None:
    """Marta heard Nimbra offered the same scope for 30% less; the budget committee sits after
    the close. The twin: neither is on record."""
    ranked = _guide()
    assert "obj-competitor-is-cheaper" in ranked
    assert "Competitor price comparison" in ranked["obj-competitor-is-cheaper"]
    assert "Close date cannot hold" in ranked["obj-call-us-next-quarter"]
    body: dict[str, Any] = yaml.safe_load(SCENARIO.read_text())["request"]
    activities = body["deal"]["deal"]["activities"]
    activities[-1]["summary"] = (
        "Marta still prefers us and will try to get Jorge to the walkthrough."
    )
    twin = _guide({"activities": activities, "notes": []})
    assert "obj-competitor-is-cheaper" not in twin
    assert "obj-call-us-next-quarter" not in twin
