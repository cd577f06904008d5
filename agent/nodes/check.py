"""check: verify grounding of what compose produced, and assemble the response."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime

from agent.checker import checker_for_draft
from agent.coaching_history import record_for, remember
from agent.context import CoachContext, settings
from agent.contracts.events import (
    ClosingStrategyGuidance,
    DownstreamEvent,
    ProcessImprovementInsight,
)
from agent.contracts.response import CoachingResponse, Warning
from agent.knowledge import citable_documents
from agent.outbox import append_events
from agent.render import boilerplate
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
    report, citations = checker.check(result, state["markdown"])
    warnings = list(state.get("warnings", []))
    if not report.passed:
        warnings.append(
            Warning(code="grounding", message="; ".join(f.detail for f in report.findings[:5]))
        )
    latency = (time.perf_counter() - state["started_at"]) * 1000
    composition = state["composition"].model_copy(update={"latency_ms": round(latency, 2)})
    events = _events(state)
    if ctx_settings.outbox is not None:
        append_events(ctx_settings.outbox, events)
    response = CoachingResponse(
        capability=result.kind,
        deal_id=state["context"].deal.id,
        as_of=state["as_of"],
        result=result,
        markdown=state["markdown"],
        citations=citations,
        missing_inputs=state["missing_inputs"],
        warnings=warnings,
        composition=composition,
        check=report,
        events=events,
    )
    if runtime.store is not None and (
        advice := record_for(state["context"], result, state["as_of"])
    ):
        remember(runtime.store, advice)  # the coaching history performance coaching reads
    return {"response": response}
