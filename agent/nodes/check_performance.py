"""check_performance: ground the rep's coaching against all their deals, the analytics, the
coaching history and the cited knowledge; emit the coaching effectiveness event."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.compose.render import boilerplate
from agent.contracts.events import DownstreamEvent
from agent.grounding.checker import checker_for_draft
from agent.nodes.respond import checked_response
from agent.retrieval import citable_documents
from agent.settings import CoachContext, settings
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
    events = [DownstreamEvent(rep_id=rep.rep.id, payload=result.effectiveness)]
    response = checked_response(state, checker, events, ctx_settings, rep_id=rep.rep.id)
    return {"response": response}
