"""Process adherence, stakeholder strategy and deal strategy on every sample deal."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from agent.contracts import CoachingRequest, CoachingResponse
from agent.respond.outbox import read_events
from agent.service import coach
from agent.settings import CoachContext
from tests.conftest import SAMPLE, SAMPLE_DEALS, rename_deal
from tests.graph.checks import assert_grounded_and_contained
from tools.sources import WorkspaceSource

CAPABILITIES = ("process_adherence", "stakeholder_strategy", "deal_strategy")


@cache
def response(capability: str, deal_id: str) -> CoachingResponse:
    return coach(
        CoachingRequest(capability=capability, deal_id=deal_id),  # type: ignore[arg-type]
        CoachContext(outbox=None),
    )


@pytest.mark.parametrize("capability", CAPABILITIES)
@pytest.mark.parametrize("deal_id", SAMPLE_DEALS)
def test_valid_grounded_and_cited(capability: str, deal_id: str) -> None:
    assert_grounded_and_contained(response(capability, deal_id), capability, deal_id)


def test_adherence_separates_missed_open_waived_and_optional() -> None:
    stage_ahead = response("process_adherence", "D-1005").result
    assert stage_ahead.kind == "process_adherence"
    statuses = {s.step_id: s.status for s in stage_ahead.steps}
    assert statuses["d-eb"] == "missed" and statuses["p-map"] == "open"
    assert statuses["s-workshop"] == "optional_skipped"
    assert stage_ahead.score < 0.5 and stage_ahead.corrections
    assert all(
        s.why_it_matters
        for s in stage_ahead.steps
        if s.status == "missed" and s.kind == "exit_criterion"
    )
    waived = response("process_adherence", "D-1004").result
    assert waived.kind == "process_adherence"
    assert {s.step_id: s.status for s in waived.steps}["d-process"] == "waived"
    assert any("published procurement policy" in f for f in waived.flexibility)
    clean = response("process_adherence", "D-1006").result
    assert clean.kind == "process_adherence" and clean.score == 1.0


def test_adherence_links_steps_to_historical_outcomes_and_rep_patterns() -> None:
    result = response("process_adherence", "D-1003").result
    assert result.kind == "process_adherence"
    assert {o.step_id for o in result.outcomes} >= {"s-eb"}
    assert result.rep_pattern is not None and result.rep_pattern.deals >= 2
    assert "D-1003" in result.rep_pattern.deal_ids


def test_stakeholder_plan_covers_everyone_and_names_gaps() -> None:
    result = response("stakeholder_strategy", "D-1003").result
    assert result.kind == "stakeholder_strategy"
    ctx = WorkspaceSource(SAMPLE).load_context("D-1003")
    contacts = {s.contact_id for s in result.stakeholders if s.contact_id is not None}
    assert contacts == {c.id for c in ctx.deal.contacts}  # plus anyone the text names
    eb = next(s for s in result.stakeholders if s.role == "economic_buyer")
    assert eb.engagement == "never" and eb.timing == "immediate"
    assert "Lydia Kowalczyk" in result.disengaged
    assert any(e.name == "Lydia Kowalczyk" for e in result.escalations)
    single = response("stakeholder_strategy", "D-1007").result
    assert single.kind == "stakeholder_strategy"
    assert "champion" in {g.role for g in single.gaps}
    never = [s.name for s in single.stakeholders if s.engagement == "never"]
    assert never and set(never) <= set(single.disengaged)


def test_deal_strategy_orders_risks_and_dates_the_plan() -> None:
    result = response("deal_strategy", "D-1003").result
    assert result.kind == "deal_strategy"
    assert result.risks[0].risk.startswith("Economic buyer not engaged")
    assert [r.order for r in result.risks] == list(range(1, len(result.risks) + 1))
    ctx = WorkspaceSource(SAMPLE).load_context("D-1003")
    assert all(s.due <= ctx.deal.expected_close for s in result.mutual_action_plan)
    assert sum("sign" in s.milestone.lower() for s in result.mutual_action_plan) == 1
    assert result.competition and result.competition[0].landmines
    healthy = response("deal_strategy", "D-1006").result
    troubled = response("deal_strategy", "D-1009").result
    assert healthy.kind == troubled.kind == "deal_strategy"
    assert healthy.win_probability.value > 0.7 > 0.3 > troubled.win_probability.value


def test_close_date_passed_is_reset_not_planned_in_the_past() -> None:
    result = response("deal_strategy", "D-1011").result
    assert result.kind == "deal_strategy"
    assert all(
        s.due >= result.guidance.expected_close - __import__("datetime").timedelta(21)
        for s in result.mutual_action_plan
        if s.status == "proposed"
    )
    assert "has passed" in result.closing_plan[0]


def test_events_are_typed_in_the_response_and_the_outbox(tmp_path: Path) -> None:
    outbox = tmp_path / "events.jsonl"
    ctx = CoachContext(outbox=outbox)
    adherence = coach(CoachingRequest(capability="process_adherence", deal_id="D-1005"), ctx)
    strategy = coach(CoachingRequest(capability="deal_strategy", deal_id="D-1003"), ctx)
    nba = coach(CoachingRequest(capability="next_best_action", deal_id="D-1003"), ctx)
    assert nba.events == []
    written = read_events(outbox)
    assert [e.payload.type for e in written] == [
        "process_improvement_insight",
        "closing_strategy_guidance",
    ]
    assert written == [*adherence.events, *strategy.events]
    assert written[0].payload.missed_steps  # type: ignore[union-attr]


def test_the_rep_pattern_names_other_deals_whose_ids_start_with_digits_and_stays_grounded(
    sample_copy: Path,
) -> None:
    """A CRM's ids may start with digits (Maven's "97WEHB4X", Salesforce's "0065e..."): the
    rep's other deals the pattern lists are the workspace's, not numbers the answer invented,
    so the grounding check passes and reports no number from them."""
    new = "73914XQZ"
    rename_deal(sample_copy, "D-1006", new)  # another of D-1003's rep's deals
    answer = coach(
        CoachingRequest(capability="process_adherence", deal_id="D-1003"),
        CoachContext(workspace=sample_copy, outbox=None),
    )
    assert answer.result.kind == "process_adherence"
    pattern = answer.result.rep_pattern
    assert pattern is not None and new in pattern.deal_ids
    assert answer.check.passed, answer.check.findings
    assert not [f for f in answer.check.findings if "73914" in f.detail]
