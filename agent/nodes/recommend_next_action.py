"""recommend_next_action: the next best action draft from analysis and the plays library."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.next_best_action import recommend
from agent.context import CoachContext, settings
from agent.state import CoachState
from knowledge.plays import load_plays


def recommend_next_action(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    plays = load_plays(settings(runtime.context).plays_dir)
    result = recommend(
        state["context"], state["analysis"], plays, settings(runtime.context).max_alternatives
    )
    return {"result": result}
