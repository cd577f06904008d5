"""recommend_next_action: the next best action draft from analysis, plays and knowledge."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.analysis.probability import estimate_win_probability
from agent.capabilities.next_best_action.build import recommend
from agent.retrieval import index_for
from agent.settings import CoachContext, settings
from agent.state import CoachState
from knowledge.plays import load_plays
from knowledge.retriever import Passage, SearchFilters


def recommend_next_action(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx = settings(runtime.context)
    index = index_for(ctx)

    def search(query: str, filters: SearchFilters) -> list[Passage]:
        return index.search(query, k=ctx.max_guidance, filters=filters, mode="lexical")

    result = recommend(
        state["context"],
        state["analysis"],
        load_plays(ctx.plays_dir),
        ctx.max_alternatives,
        search,
        ctx.max_guidance,
        estimate_win_probability(state["context"], state["analysis"]),
    )
    return {"result": result}
