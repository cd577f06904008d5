"""respond: the side effects of a checked answer, apart from everything that computes it:
events appended to the outbox for downstream agents, and what the capability remembers in
LangGraph's store (the advice given, a call's lessons)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.registry import capability
from agent.nodes.draft import inputs_of
from agent.respond.outbox import append_events
from agent.settings import CoachContext, settings
from agent.state import CoachState


def respond(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    response = state["response"]
    run = settings(runtime.context)
    if run.outbox is not None:
        append_events(run.outbox, response.events)
    spec = capability(response.capability)
    if runtime.store is not None and spec.remember is not None:
        spec.remember(runtime.store, response.result, inputs_of(state, runtime))
    return {}
