"""Deal strategy: win probability, themes, competition, risks and the plan to close."""

from __future__ import annotations

from agent.analysis.probability import estimate_win_probability
from agent.capabilities.deal_strategy.build import build_strategy
from agent.capabilities.deal_strategy.expectations import DealStrategyExpectations
from agent.capabilities.registry import Capability, Draft, Inputs
from agent.retrieval import citable_documents
from knowledge.plays import load_plays


def draft(inputs: Inputs) -> Draft:
    run = inputs.settings
    win = estimate_win_probability(inputs.ctx, inputs.signals, inputs.settings.fitted_win_model())
    result = build_strategy(
        inputs.ctx, inputs.signals, load_plays(run.plays_dir), citable_documents(run), win
    )
    return Draft(result)


CAPABILITY = Capability(
    name="deal_strategy",
    node="plan_deal_strategy",
    title="Deal strategy and win probability",
    summary="Deal strategy: win probability, themes, competition, risks, plan to close.",
    draft=draft,
    command="strategy",
    expectations=DealStrategyExpectations,
    events=lambda result: [result.guidance],
    median_target_ms=30,
)
