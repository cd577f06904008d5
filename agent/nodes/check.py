"""check: verify grounding of what compose produced, and assemble the response."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime

from agent.checker import checker_for_draft
from agent.context import CoachContext, settings
from agent.contracts.response import CoachingResponse, Warning
from agent.knowledge import citable_documents
from agent.render import boilerplate
from agent.state import CoachState


def check(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    result = state["result"]
    checker = checker_for_draft(
        state["context"],
        state["analysis"],
        state["missing_inputs"],
        result,
        citable_documents(settings(runtime.context)),
        boilerplate(),
    )
    report, citations = checker.check(result, state["markdown"])
    warnings = list(state.get("warnings", []))
    if not report.passed:
        warnings.append(
            Warning(code="grounding", message="; ".join(f.detail for f in report.findings[:5]))
        )
    latency = (time.perf_counter() - state["started_at"]) * 1000
    composition = state["composition"].model_copy(update={"latency_ms": round(latency, 2)})
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
    )
    return {"response": response}
