"""compose: render the typed result for a person with its capability's template (the draft, or
the draft with the model's prose when enrich_draft used a model)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.registry import capability
from agent.compose.render import render
from agent.contracts.response import Composition
from agent.grounding.citations import build_citations, refs_of
from agent.retrieval import citable_documents, withheld_knowledge
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState


def compose(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    result = state["result"]
    deal, rep = state.get("deal"), state.get("rep")
    subject = deal if deal is not None else rep
    assert subject is not None, "load_context or load_rep_context runs first"
    run = settings(runtime.context)
    citations, _ = build_citations(refs_of(result), subject, citable_documents(run))
    values: dict[str, Any] = {"r": result}
    analysis = state.get("analysis")
    if deal is not None and analysis is not None:
        days = analysis.days_to_close
        values.update(
            p=getattr(result, "primary", None),
            a=analysis,
            deal=deal.deal,
            close_phrase=f"in {days} days" if days >= 0 else f"{-days} days ago",
        )
    withheld = state.get("withheld", frozenset()) | withheld_knowledge(
        run, (c.ref for c in citations)
    )
    policy = run.output_policy(citations, deal, withheld)
    return {
        "withheld": withheld,
        "policy": policy,
        "markdown": render(capability(result.kind).template, citations, policy, **values),
        "citations": citations,
        "composition": state.get("composition") or Composition(method="template", latency_ms=0),
    }
