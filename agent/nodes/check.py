"""check: verify grounding of what compose produced, and assemble the response."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.common.coaching_history import record_for, remember
from agent.compose.render import boilerplate
from agent.contracts.events import (
    ClosingStrategyGuidance,
    DownstreamEvent,
    ProcessImprovementInsight,
)
from agent.grounding.checker import checker_for_draft
from agent.nodes.respond import checked_response
from agent.retrieval import citable_documents
from agent.settings import CoachContext, settings
from agent.state import CoachState


def _events(state: CoachState) -> list[DownstreamEvent]:
    """Capabilities that inform other agents carry a typed payload; it travels as an event."""
    payload = getattr(state["result"], "insight", None) or getattr(
        state["result"], "guidance", None
    )
    if not isinstance(payload, ProcessImprovementInsight | ClosingStrategyGuidance):
        return []
    return [DownstreamEvent(deal_id=state["context"].deal.id, payload=payload)]


def check(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    result = state["result"]
    ctx_settings = settings(runtime.context)
    checker = checker_for_draft(
        state["context"],
        state["analysis"],
        state["missing_inputs"],
        result,
        citable_documents(ctx_settings),
        boilerplate(),
        state.get("grounds", []),
    )
    response = checked_response(
        state, checker, _events(state), ctx_settings, deal_id=state["context"].deal.id
    )
    if runtime.store is not None and (
        advice := record_for(state["context"], result, state["as_of"])
    ):
        remember(runtime.store, advice)  # the coaching history performance coaching reads
    return {"response": response}
