"""Win probability: baseline choice and citations, additive log-odds, clamping, determinism."""

from __future__ import annotations

import math
from typing import Any

import pytest

from agent.analysis import analyze_deal
from agent.analysis.probability import (
    CEILING,
    FLOOR,
    MIN_CONVERSION_SAMPLE,
    SIGNAL_WEIGHTS,
    estimate_win_probability,
)
from agent.contracts.context import DealContext
from agent.contracts.probability import CategoricalFeature, WinModel, WinProbability
from agent.contracts.signals import SIGNAL_LABELS
from tests.factories import AS_OF, activity, days_ago, make_context, process


def _conversion(to_win: float, sample: int = 120, stage: str = "Discovery") -> dict[str, Any]:
    return {
        "stage_conversion": [{"stage": stage, "to_next": 0.5, "to_win": to_win, "sample": sample}]
    }


def _troubled(**sections: Any) -> DealContext:
    """Champion quiet for 40 days, economic buyer never engaged, close date pushed twice,
    two competitors, and twice the expected time in stage."""
    pushes = [
        {"changed_on": days_ago(30), "from_date": days_ago(35), "to_date": days_ago(5)},
        {"changed_on": days_ago(4), "from_date": days_ago(5), "to_date": days_ago(-60)},
    ]
    deal = {
        "stage_history": [{"stage": "Discovery", "entered": days_ago(45)}],
        "created": days_ago(60),
        "activities": [activity("a1", 40, ["c-ann", "rep-1"])],
        "close_date_history": pushes,
        "competitors": ["Corvane", "Taskline"],
    }
    return make_context(deal=deal, **sections)


def _estimate(ctx: DealContext, model: WinModel | None = None) -> WinProbability:
    return estimate_win_probability(ctx, analyze_deal(ctx, AS_OF), model)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_analytics_baseline_wins_over_process_and_prior() -> None:
    staged = process()
    staged["stages"][0]["win_probability"] = 0.3
    est = _estimate(make_context(analytics=_conversion(0.25), process=staged))
    assert est.baseline_source == "analytics"
    assert est.baseline == pytest.approx(0.25)
    assert est.baseline_citation == "analytics.stage_conversion[0]"
    assert "120 past deals" in est.explanation


def test_small_analytics_sample_falls_back_to_the_process_and_says_why() -> None:
    staged = process()
    staged["stages"][0]["win_probability"] = 0.3
    small = _conversion(0.9, sample=MIN_CONVERSION_SAMPLE - 1)
    est = _estimate(make_context(analytics=small, process=staged))
    assert est.baseline_source == "process"
    assert est.baseline == pytest.approx(0.3)
    assert est.baseline_citation == "process.stages[0]"
    assert f"only {MIN_CONVERSION_SAMPLE - 1} deals" in est.explanation


def test_without_measured_rates_the_phase_prior_is_used_at_low_confidence() -> None:
    est = _estimate(make_context())
    assert (est.baseline_source, est.baseline, est.confidence) == ("prior", 0.2, "low")
    assert est.baseline_citation == "process.stages[0]"
    bare = _estimate(make_context(process=None))
    assert bare.baseline_source == "prior" and bare.baseline_citation == "deal.stage"


def test_factor_contributions_sum_to_the_logit_difference() -> None:
    est = _estimate(_troubled(analytics=_conversion(0.7)))
    assert FLOOR < est.value < CEILING
    total = sum(f.log_odds for f in est.factors)
    assert _logit(est.value) - _logit(est.baseline) == pytest.approx(total, abs=1e-9)
    for factor in est.factors:
        assert factor.factor in SIGNAL_LABELS and factor.factor in SIGNAL_WEIGHTS
        assert factor.citations, factor.factor
        assert f"{factor.log_odds:+.2f}" in est.explanation


def test_healthy_deal_scores_higher_than_a_troubled_one() -> None:
    healthy = _estimate(make_context(analytics=_conversion(0.4)))
    troubled = _estimate(_troubled(analytics=_conversion(0.4)))
    assert healthy.value > healthy.baseline - 0.05
    assert troubled.value < healthy.value - 0.15
    ids = {f.factor for f in troubled.factors}
    assert {"economic_buyer_not_engaged", "champion_gone_quiet", "close_date_slipped"} <= ids
    assert all(f.log_odds < 0 for f in troubled.factors)


def test_overlapping_signals_count_half_after_the_strongest() -> None:
    est = _estimate(_troubled(analytics=_conversion(0.5)))
    engagement = [f for f in est.factors if SIGNAL_WEIGHTS[f.factor][1] == "engagement"]
    assert len(engagement) >= 2
    assert sum("counted half" in f.detail for f in engagement) == len(engagement) - 1


def test_value_is_clamped_and_a_certain_baseline_is_not_trusted() -> None:
    low = _estimate(_troubled(analytics=_conversion(0.03)))
    assert low.value == FLOOR and "no deal is certain" in low.explanation
    # only the bound that held: the ceiling is in no input, so the grounding check, which
    # knows the value, would report it as a number the answer made up
    assert f"{FLOOR:.0%}, the model's floor" in low.explanation
    assert f"{CEILING:.0%}" not in low.explanation
    high = _estimate(make_context(analytics=_conversion(1.0)))
    assert high.baseline == CEILING and high.value <= CEILING


def test_estimate_is_deterministic() -> None:
    ctx = _troubled(analytics=_conversion(0.5))
    analysis = analyze_deal(ctx, AS_OF)
    first = estimate_win_probability(ctx, analysis)
    again = estimate_win_probability(ctx, analysis)
    assert again.model_dump() == first.model_dump()


def _model(calibrated_on: int = 500, stages: tuple[str, ...] = ("Discovery",)) -> WinModel:
    sector = CategoricalFeature(
        name="sector",
        column="sector",
        live="industry",
        levels=["manufacturing", "retail", "other"],
        shares=[0.5, 0.3, 0.2],
    )
    return WinModel(
        fitted=True,
        calibrated_on=calibrated_on,
        intercept=-0.5,
        coefficients={"sector=manufacturing": 1.0, "sector=retail": -1.0, "sector=other": 0.0},
        categorical=[sector],
        live_stages=list(stages),
    )


def test_a_fitted_model_replaces_the_stage_baseline_for_its_stages() -> None:
    model = _model()
    est = _estimate(make_context(analytics=_conversion(0.25)), model)
    assert est.baseline_source == "fitted" and est.calibrated_on == 500
    assert est.baseline == pytest.approx(1 / (1 + math.exp(-0.5)))  # manufacturing: -0.5 + 1
    assert "history-logit" in est.model


@pytest.mark.parametrize(
    ("model", "note"),
    [
        (_model(calibrated_on=150), "fewer than 200"),
        (_model(stages=("Negotiation",)), "does not describe deals at stage Discovery"),
        (WinModel(fitted=False, calibrated_on=120), "fewer than 200"),
    ],
)
def test_an_unreliable_or_unmapped_model_keeps_the_baseline(model: WinModel, note: str) -> None:
    est = _estimate(make_context(analytics=_conversion(0.25)), model)
    assert est.baseline_source == "analytics" and est.calibrated_on is None
    assert note in est.explanation
