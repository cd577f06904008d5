"""plan_deal_strategy: closing strategy with the shared win-probability estimate."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.analysis.probability import estimate_win_probability
from agent.capabilities.deal_strategy.build import build_strategy
from agent.retrieval import citable_documents
from agent.settings import CoachContext, settings
from agent.state import CoachState
from knowledge.plays import load_plays


def plan_deal_strategy(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx_settings = settings(runtime.context)
    win = estimate_win_probability(state["context"], state["analysis"])
    result = build_strategy(
        state["context"],
        state["analysis"],
        load_plays(ctx_settings.plays_dir),
        citable_documents(ctx_settings),
        win,
    )
    return {"result": result}
