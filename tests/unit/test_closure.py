"""A closed deal is read as closed: detection (process first, then the stage's name), its win
probability and its next best action."""

from __future__ import annotations

from typing import Any

import pytest

from agent.analysis import analyze_deal
from agent.analysis.closure import closure_of
from agent.analysis.probability import estimate_win_probability
from agent.capabilities.next_best_action.build import recommend
from agent.contracts.upstream import ProcessStandards
from knowledge.plays import load_plays
from tests.factories import AS_OF, days_ago, make_context, process


@pytest.mark.parametrize(
    ("stage", "outcome"),
    [
        ("Closed Won", "won"),
        ("closed won", "won"),
        ("Won", "won"),
        ("CLOSED-WON", "won"),
        ("Closed - Won", "won"),
        ("closed_won", "won"),
        ("Closed Lost", "lost"),
        ("Closed - Lost", "lost"),
        ("lost", "lost"),
        ("Closed/Lost", "lost"),
        ("Discovery", None),
        ("Closing", None),
        ("Close", None),
        ("Negotiation", None),
        ("Won't close", None),
        ("Lost contact", None),
        ("Closed", None),  # closed, but neither won nor lost: not said
    ],
)
def test_closure_is_read_from_the_stage_name(stage: str, outcome: str | None) -> None:
    found = closure_of(stage)
    assert (found.outcome if found else None) == outcome


def _with_terminal(**outcomes: str) -> ProcessStandards:
    raw: dict[str, Any] = process()
    for name, outcome in outcomes.items():
        raw["stages"].append(
            {"name": name, "phase": "close", "expected_days": 1, "outcome": outcome}
        )
    return ProcessStandards.model_validate(raw)


def test_the_process_terminal_stages_decide_first() -> None:
    standard = _with_terminal(Signed="won", **{"No decision": "lost"})
    outcomes = {
        s: getattr(closure_of(s, standard), "outcome", None) for s in ("signed", "No decision")
    }
    assert outcomes == {"signed": "won", "No decision": "lost"}
    assert closure_of("Discovery", standard) is None
    assert closure_of("Signed") is None  # without the process the name says nothing


def _closed_deal(stage: str) -> Any:
    history = [
        {"stage": "Discovery", "entered": days_ago(40)},
        {"stage": stage, "entered": days_ago(3)},
    ]
    return make_context(deal={"stage": stage, "stage_history": history})


@pytest.mark.parametrize(("stage", "value"), [("Closed Won", 1.0), ("Closed Lost", 0.0)])
def test_a_closed_stage_the_process_does_not_list_is_read_not_refused(
    stage: str, value: float
) -> None:
    ctx = _closed_deal(stage)
    analysis = analyze_deal(ctx, AS_OF)
    assert analysis.closure is not None
    win = estimate_win_probability(ctx, analysis)
    assert (win.value, win.low, win.high) == (value, value, value)
    assert win.baseline_citation == "deal.stage"
    assert f"stage '{stage}'" in win.explanation
    assert win.factors == []


def test_next_best_action_on_a_won_deal_hands_over_and_never_advances() -> None:
    ctx = _closed_deal("Closed Won")
    analysis = analyze_deal(ctx, AS_OF)
    result = recommend(ctx, analysis, load_plays(), 2)
    ids = [result.primary.play_id, *(a.play_id for a in result.alternatives)]
    assert result.primary.play_id == "closed-won-handover"
    assert "closed-won-debrief" in ids
    assert not any("advance" in i or "next-step" in i for i in ids)
    assert "deal.stage" in result.primary.citations


def test_next_best_action_on_a_lost_deal_reviews_the_loss() -> None:
    ctx = _closed_deal("Closed Lost")
    analysis = analyze_deal(ctx, AS_OF)
    result = recommend(ctx, analysis, load_plays(), 2)
    assert result.primary.play_id == "closed-lost-review"
    assert [a.play_id for a in result.alternatives] == ["closed-lost-reengage"]


def test_an_open_deal_is_unchanged() -> None:
    ctx = make_context()
    analysis = analyze_deal(ctx, AS_OF)
    assert analysis.closure is None
    assert not recommend(ctx, analysis, load_plays(), 2).primary.play_id.startswith("closed")


@pytest.mark.parametrize("stage", ["Closed Won", "Closed Lost"])
def test_deal_strategy_on_a_closed_deal_has_no_plan_to_close(stage: str) -> None:
    from agent.capabilities.deal_strategy.build import build_strategy

    ctx = _closed_deal(stage)
    analysis = analyze_deal(ctx, AS_OF)
    win = estimate_win_probability(ctx, analysis)
    result = build_strategy(ctx, analysis, load_plays(), {}, win)
    assert result.risks == [] and result.mutual_action_plan == [] and result.competition == []
    assert f"stage '{stage}'" in result.closing_plan[0]
    assert not any("ask for the business" in c.lower() for c in result.closing_plan)
    assert result.citations == ["deal.stage"]


def test_a_closed_deal_reads_as_closed_not_as_a_certain_step() -> None:
    """The steps of a closed deal are the team's own: no chance is estimated, and the header
    drops the countdown to a close date and the momentum, which describe an open deal."""
    from agent.contracts import CoachingRequest
    from agent.service import coach

    ctx = _closed_deal("Closed Lost")
    response = coach(CoachingRequest(capability="next_best_action", deal=ctx, as_of=AS_OF))
    result = response.result
    assert result.snapshot.closed == "lost"
    assert result.primary.probability.value is None
    assert all(a.probability.value is None for a in result.alternatives)
    header = response.markdown.split("\n\n")[1]
    assert "momentum" not in header and "expected close" not in header
    assert "Chance it works:** not estimated" in response.markdown
    assert "100%" not in response.markdown
