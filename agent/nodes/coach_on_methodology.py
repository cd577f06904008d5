"""coach_on_methodology: the chosen methodology, scored against this deal's evidence."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.methodology_coaching import coach_methodology
from agent.context import CoachContext, settings
from agent.knowledge import citable_documents
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
