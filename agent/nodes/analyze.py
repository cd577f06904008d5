"""analyze: compute the deal's signals once; every capability reads them. A deal that came
without process standards is read against the knowledge base's default stage model (cited as
that document), as process adherence judges it. A closed deal (won or lost) is said so once,
as a warning every capability's answer carries, since most of them advise on open deals."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.analysis import analyze_deal
from agent.analysis.stage import default_process
from agent.contracts.response import Warning
from agent.settings import CoachContext, settings
from agent.state import CoachState


def analyze(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    deal, run = state["deal"], settings(runtime.context)
    fallback = default_process(run) if deal.process is None else None
    analysis = analyze_deal(deal, state["as_of"], state.get("reading"), fallback)
    closure = analysis.closure
    warnings = (
        [
            Warning(
                code="closed_deal",
                ref=closure.ref,
                message=f"{closure.reason}: advice for an open deal does not apply to it",
            )
        ]
        if closure
        else []
    )
    return {"analysis": analysis, "warnings": warnings}
