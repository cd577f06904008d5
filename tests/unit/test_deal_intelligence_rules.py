"""Rules of process adherence, stakeholder strategy and deal strategy on synthetic deals."""

from __future__ import annotations

from agent.analysis import analyze_deal
from agent.analysis.probability import estimate_win_probability
from agent.capabilities.deal_strategy.build import build_strategy
from agent.capabilities.process_adherence.build import (
    ProcessInUse,
    assess,
    check_steps,
    rep_pattern,
    score,
    skipped_stages,
)
from agent.capabilities.process_adherence.contract import StepCheck
from agent.capabilities.stakeholder_strategy.build import plan_stakeholders
from agent.retrieval import citable_documents
from agent.settings import CoachContext
from knowledge.plays import load_plays
from tests.factories import AS_OF, activity, days_ago, make_context

PLAYS = load_plays()


# What the discovery agent found: nothing confirmed. A gap the record shows, not unknown.
NOTHING_CONFIRMED = {"pains": [], "decision_criteria": [], "budget_confirmed": False}


def at_proposal(discovery: dict | None = NOTHING_CONFIRMED, **deal: object):  # type: ignore[no-untyped-def, type-arg]
    base = {
        "stage": "Proposal",
        "stage_history": [
            {"stage": "Discovery", "entered": days_ago(20)},
            {"stage": "Proposal", "entered": days_ago(5)},
        ],
    }
    sections = {"discovery": discovery} if discovery is not None else {}
    return make_context(deal={**base, **deal}, **sections)


def steps_of(ctx):  # type: ignore[no-untyped-def]
    analysis = analyze_deal(ctx, AS_OF)
    assert ctx.process is not None
    return {
        s.step_id: s for s in check_steps(ctx, analysis, ProcessInUse(ctx.process, "deal"), PLAYS)
    }


def test_missed_only_for_stages_left_behind_open_for_the_current_one() -> None:
    steps = steps_of(at_proposal())
    assert steps["d2"].status == "missed"  # discovery found no criteria, and the stage is left
    assert steps["p1"].status == "open" and steps["p3"].status == "manual"
    assert steps["d2"].why_it_matters and steps["d2"].correction
    assert "kb:play-map-decision-process#why-it-matters" in steps["d2"].citations


def test_without_discovery_data_a_step_is_unknown_not_missed() -> None:
    """Unknown is not false: no discovery file leaves the criteria step unknown, with a
    correction that asks for the data; it never counts against adherence."""
    steps = steps_of(at_proposal(discovery=None))
    assert steps["d2"].status == "unknown" and "not known" in steps["d2"].evidence
    assert score(list(steps.values())) == score([s for s in steps.values() if s.step_id != "d2"])


def test_a_recorded_exception_turns_a_miss_into_a_waiver() -> None:
    ctx = at_proposal(
        process_exceptions=[
            {"step_id": "d2", "reason": "RFP lists criteria", "approved_by": "Rita Seller"}
        ]
    )
    step = steps_of(ctx)["d2"]
    assert step.status == "waived" and "RFP lists criteria" in (step.reason or "")
    assert "deal.process_exceptions[0]" in step.citations


def test_skipped_stage_and_score() -> None:
    ctx = make_context(
        deal={
            "stage": "Negotiation",
            "stage_history": [
                {"stage": "Discovery", "entered": days_ago(20)},
                {"stage": "Negotiation", "entered": days_ago(2)},
            ],
        }
    )
    assert ctx.process is not None
    assert skipped_stages(ctx, ctx.process) == ["Proposal"]
    done = StepCheck(
        stage="a", step_id="x", kind="exit_criterion", description="x", status="done", evidence=""
    )
    missed = done.model_copy(update={"step_id": "y", "status": "missed"})
    opened = done.model_copy(update={"step_id": "z", "status": "open"})
    assert score([done, missed, opened]) == 0.5 and score([opened]) == 1.0


def test_rep_pattern_needs_half_the_deals_and_at_least_two() -> None:
    miss = StepCheck(
        stage="a",
        step_id="d1",
        kind="exit_criterion",
        description="x",
        status="missed",
        evidence="",
    )
    ok = miss.model_copy(update={"status": "done"})
    pattern = rep_pattern("r", "Rita", [("A", [miss]), ("B", [miss]), ("C", [ok]), ("D", [ok])])
    assert pattern is not None and pattern.often_missed == ["d1"] and pattern.adherence == 0.5
    assert rep_pattern("r", "Rita", [("A", [miss]), ("B", [ok]), ("C", [ok])]).often_missed == []  # type: ignore[union-attr]
    assert rep_pattern("r", "Rita", [("A", [miss])]) is None


def test_insight_event_carries_missed_steps_and_suggestions() -> None:
    ctx = at_proposal()
    analysis = analyze_deal(ctx, AS_OF)
    assert ctx.process is not None
    result = assess(ctx, analysis, ProcessInUse(ctx.process, "deal"), PLAYS, [])
    assert "d2" in result.insight.missed_steps and result.insight.rep_id == "rep-1"
    assert result.coaching_focus


def test_stakeholder_priorities_come_from_discovery_or_are_named_unknown() -> None:
    ctx = make_context(
        discovery={"dmu": [{"contact_id": "c-eve", "role": "CFO", "priorities": ["Cash flow"]}]}
    )
    result = plan_stakeholders(ctx, analyze_deal(ctx, AS_OF), PLAYS)
    plans = {p.contact_id: p for p in result.stakeholders}
    assert plans["c-eve"].priorities == ["Cash flow"]
    # the draft goes to the customer: it says we know their priorities, never repeats the input
    assert "understood your priorities" in plans["c-eve"].message_draft
    assert "Cash flow" not in plans["c-eve"].message_draft
    assert plans["c-ann"].priorities == [] and "what matters most" in plans["c-ann"].message_draft
    # nor the CRM's own name for the opportunity, which the customer never chose
    assert not any(ctx.deal.name in p.message_draft for p in result.stakeholders)
    assert {g.role for g in result.gaps} == {"technical_evaluator", "business_evaluator"}


def test_strategy_orders_risks_and_ends_the_plan_with_signature() -> None:
    ctx = at_proposal(
        competitors=["Corvane"],
        activities=[activity("a1", 40, ["c-ann"]), activity("a2", 2, ["c-eve"])],
    )
    analysis = analyze_deal(ctx, AS_OF)
    win = estimate_win_probability(ctx, analysis)
    result = build_strategy(ctx, analysis, PLAYS, citable_documents(CoachContext()), win)
    order = [r.signal for r in result.risks]
    assert order.index("champion_gone_quiet") < order.index("mutual_plan_missing")
    assert result.mutual_action_plan[-1].milestone == "Contract signed"
    assert result.mutual_action_plan[-1].due == ctx.deal.expected_close
    assert result.competition[0].landmines  # from the shipped Corvane battle card
    assert any(c.startswith("kb:bc-corvane#") for c in result.competition[0].citations)


def test_a_passed_close_date_is_reset_three_weeks_out() -> None:
    ctx = at_proposal(expected_close=days_ago(4), created=days_ago(90))
    analysis = analyze_deal(ctx, AS_OF)
    result = build_strategy(
        ctx,
        analysis,
        PLAYS,
        citable_documents(CoachContext()),
        estimate_win_probability(ctx, analysis),
    )
    assert result.guidance.expected_close == AS_OF + __import__("datetime").timedelta(21)
    assert result.closing_plan[0].startswith("The close date")


def test_an_economic_buyer_known_only_by_title_is_not_identified_by_name() -> None:
    """Twins: "their CFO has final sign-off" tells the seat, not who sits in it, so "the
    economic buyer is identified by name" is not met (and says to ask who); the same note
    naming her meets it."""
    from tests.factories import contact

    def evidence(note: str) -> tuple[bool | None, str]:
        ctx = make_context(
            deal={
                "contacts": [contact("c-ann", "Ann Champion", "champion")],
                "activities": [activity("a1", 5, ["c-ann", "rep-1"], summary=note)],
            }
        )
        found = analyze_deal(ctx, AS_OF).evidence["economic_buyer_identified"]
        return found.met, found.detail

    titled = evidence("Their CFO has final sign-off on the budget.")
    named = evidence("Margaret Olsen, their CFO, has final sign-off on the budget.")
    assert titled[0] is False and "no name is known" in titled[1]
    assert named[0] is True and "Margaret Olsen" in named[1]
