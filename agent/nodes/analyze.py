"""analyze: compute the deal's signals once; every capability reads them. A deal that came
without process standards is read against the knowledge base's default stage model (cited as
that document), as process adherence judges it."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.analysis import analyze_deal
from agent.analysis.stage import default_process
from agent.settings import CoachContext, settings
from agent.state import CoachState


def analyze(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    deal, run = state["deal"], settings(runtime.context)
    fallback = default_process(run) if deal.process is None else None
    return {"analysis": analyze_deal(deal, state["as_of"], state.get("reading"), fallback)}
