"""coach_on_methodology: the chosen methodology, scored against this deal's evidence."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.methodology_coaching.build import coach_methodology
from agent.retrieval import citable_documents
from agent.settings import CoachContext, settings
from agent.state import CoachState


def coach_on_methodology(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx = settings(runtime.context)
    result = coach_methodology(
        state["context"],
        state["analysis"],
        citable_documents(ctx),
        state["request"].methodology,
        ctx.default_methodology,
    )
    return {"result": result}
