"""guide_objections: likely objections for this deal, or the one the rep typed, answered."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.objection_guide.build import build_objection_guide
from agent.retrieval import citable_documents, index_for
from agent.settings import CoachContext, settings
from agent.state import CoachState
from knowledge.retriever import Passage, SearchFilters


def guide_objections(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx = settings(runtime.context)
    index = index_for(ctx)

    def search(query: str, filters: SearchFilters) -> list[Passage]:
        return index.search(query, k=10, filters=filters, mode="lexical")

    message = state["request"].message
    result = build_objection_guide(
        state["context"], state["analysis"], citable_documents(ctx), search, message
    )
    return {"result": result, "grounds": [message] if message else []}
