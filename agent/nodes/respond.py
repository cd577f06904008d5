"""respond: the side effects of a checked answer, apart from everything that computes it:
events appended to the outbox for downstream agents, what the capability remembers in
LangGraph's store (the advice given, a call's lessons), and the log: one INFO record per
answer, and each of its warnings once (WARNING; missing inputs, which every answer explains in
its text, at DEBUG). Every front end gets the same records, LangGraph servers included."""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.registry import capability
from agent.contracts.response import CoachingResponse
from agent.nodes.draft import inputs_of
from agent.respond.outbox import append_events
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState

log = logging.getLogger(__name__)


def log_response(response: CoachingResponse) -> None:
    """The operator's view of one answer: ids, latency and composition, never its content."""
    subject: dict[str, str | None] = (
        {"deal_id": response.deal_id} if response.deal_id else {"rep_id": response.rep_id}
    )
    if log.isEnabledFor(logging.INFO):  # the fields cost a little; skip them when unseen
        _answered(response, subject)
    for w in response.warnings:
        level = logging.DEBUG if w.code == "missing_input" else logging.WARNING
        extra = {"capability": response.capability, **subject, "code": w.code, "ref": w.ref}
        log.log(level, w.message, extra=extra)


def _answered(response: CoachingResponse, subject: dict[str, str | None]) -> None:
    c = response.composition
    how = c.method if c.model is None else f"{c.method}, model {c.model}, {c.model_calls} calls"
    log.info(
        "%s for %s answered in %.0f ms (%s)",
        response.capability,
        response.deal_id or response.rep_id or "-",
        c.latency_ms,
        how,
        extra={
            "capability": response.capability,
            **subject,
            "latency_ms": c.latency_ms,
            "composition": c.method,
            "model": c.model,
            "model_calls": c.model_calls,
            "prompt_tokens": c.prompt_tokens,
            "completion_tokens": c.completion_tokens,
            "check_passed": response.check.passed,
            "warnings": len(response.warnings),
            "missing_inputs": [m.section for m in response.missing_inputs],
        },
    )


def respond(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    response = state["response"]
    log_response(response)
    run = settings(runtime.context)
    if run.outbox is not None:
        append_events(run.outbox, response.events)
    spec = capability(response.capability)
    if runtime.store is not None and spec.remember is not None:
        spec.remember(runtime.store, response.result, inputs_of(state, runtime))
    return {}
