"""check_performance: ground the rep's coaching against all their deals, the analytics, the
coaching history and the cited knowledge; emit the coaching effectiveness event."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime

from agent.checker import checker_for_draft
from agent.context import CoachContext, settings
from agent.contracts.events import DownstreamEvent
from agent.contracts.response import CoachingResponse, Warning
from agent.knowledge import citable_documents
from agent.outbox import append_events
from agent.render import boilerplate
from agent.state import RepState


def check_performance(state: RepState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    result = state["result"]
    assert result.kind == "performance_coaching"
    ctx_settings = settings(runtime.context)
    rep = state["rep"]
    checker = checker_for_draft(
        rep,
        list(state["analyses"].values()),
        state["missing_inputs"],
        result,
        citable_documents(ctx_settings),
        boilerplate(),
        [state["steps"]],
    )
    report, citations = checker.check(result, state["markdown"])
    warnings = list(state.get("warnings", []))
    if not report.passed:
        warnings.append(
            Warning(code="grounding", message="; ".join(f.detail for f in report.findings[:5]))
        )
    latency = (time.perf_counter() - state["started_at"]) * 1000
    events = [DownstreamEvent(rep_id=rep.rep.id, payload=result.effectiveness)]
    if ctx_settings.outbox is not None:
        append_events(ctx_settings.outbox, events)
    response = CoachingResponse(
        capability=result.kind,
        rep_id=rep.rep.id,
        as_of=state["as_of"],
        result=result,
        markdown=state["markdown"],
        citations=citations,
        missing_inputs=state["missing_inputs"],
        warnings=warnings,
        composition=state["composition"].model_copy(update={"latency_ms": round(latency, 2)}),
        check=report,
        events=events,
    )
    return {"response": response}
