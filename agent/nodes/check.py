"""check: verify the grounding of what compose produced and assemble the response (no side
effects: respond sends and remembers)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.registry import capability
from agent.contracts.events import DownstreamEvent
from agent.grounding.checker import checker_for_draft
from agent.respond.envelope import checked_response
from agent.retrieval import citable_documents
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState


def check(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    result = state["result"]
    spec = capability(result.kind)
    deal, rep = state.get("deal"), state.get("rep")
    subject = deal if deal is not None else rep
    assert subject is not None, "load_context or load_rep_context runs first"
    run = settings(runtime.context)
    checker = checker_for_draft(
        subject,
        state.get("analysis"),
        state["missing_inputs"],
        result,
        citable_documents(run),
        state.get("grounds", []),
    )
    ids = {"deal_id": deal.deal.id} if deal is not None else {"rep_id": rep.rep.id if rep else None}
    events = [
        DownstreamEvent(payload=payload, **ids)
        for payload in (spec.events(result) if spec.events else [])
    ]
    policy = state.get("policy") or run.output_policy(  # compose's, unless check runs alone
        state.get("citations", []), deal, state.get("withheld", frozenset())
    )
    return {"response": checked_response(state, checker, events, policy, **ids)}
