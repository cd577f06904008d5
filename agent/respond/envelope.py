"""The response envelope both graphs return: the checked result, its markdown and citations,
what was missing, the warnings, how it was composed, and the events for downstream agents."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from agent.contracts.events import DownstreamEvent
from agent.contracts.response import CoachingResponse, Warning
from agent.grounding.checker import GroundingChecker


def checked_response(
    state: Mapping[str, Any],
    checker: GroundingChecker,
    events: Sequence[DownstreamEvent],
    *,
    deal_id: str | None = None,
    rep_id: str | None = None,
) -> CoachingResponse:
    """The response for a graph state holding result, markdown, composition, warnings,
    missing_inputs, as_of and started_at; a failed check becomes one grounding warning."""
    result = state["result"]
    report, citations = checker.check(result, state["markdown"])
    warnings = list(state.get("warnings", []))
    if not report.passed:
        warnings.append(
            Warning(code="grounding", message="; ".join(f.detail for f in report.findings[:5]))
        )
    latency = (time.perf_counter() - state["started_at"]) * 1000
    return CoachingResponse(
        capability=result.kind,
        deal_id=deal_id,
        rep_id=rep_id,
        as_of=state["as_of"],
        result=result,
        markdown=state["markdown"],
        citations=citations,
        missing_inputs=state["missing_inputs"],
        warnings=warnings,
        composition=state["composition"].model_copy(update={"latency_ms": round(latency, 2)}),
        check=report,
        events=list(events),
    )
