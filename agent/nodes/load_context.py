"""load_context: fetch the deal and each upstream agent's data; record what is missing."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from langgraph.runtime import Runtime

from agent.analysis.thresholds import STALE_UPSTREAM_DAYS
from agent.context import CoachContext, settings
from agent.contracts.context import DealContext
from agent.contracts.response import Warning
from agent.missing import missing_inputs
from agent.state import CoachState
from tools.sources import DealSource, InlineSource, workspace_source


def _stale(ctx: DealContext, as_of: dt.date) -> list[Warning]:
    warnings = []
    for name in ("risk", "qualification"):
        section = getattr(ctx, name)
        assessed = getattr(section, "assessed_on", None) if section else None
        if assessed and (as_of - assessed).days > STALE_UPSTREAM_DAYS:
            warnings.append(
                Warning(
                    code="stale_data",
                    ref=f"{name}.assessed_on",
                    message=f"the {name} assessment is {(as_of - assessed).days} days old; ask the "
                    f"upstream agent to refresh it",
                )
            )
    return warnings


def load_context(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    started = time.perf_counter()
    request = state["request"]
    source: DealSource
    if request.deal is not None:
        source = InlineSource(request.deal)
    else:
        source = workspace_source(settings(runtime.context).workspace)
    ctx = source.load_context(request.target_deal_id)
    as_of = request.as_of or source.as_of or dt.date.today()
    missing = missing_inputs(ctx)
    warnings = [
        Warning(code="missing_input", ref=m.section, message=f"no {m.provider} data: {m.impact}")
        for m in missing
    ]
    return {
        "started_at": started,
        "context": ctx,
        "as_of": as_of,
        "missing_inputs": missing,
        "warnings": warnings + _stale(ctx, as_of),
    }
