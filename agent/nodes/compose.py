"""compose: render the typed result for a person with its template (the draft, or the draft
with the model's prose when enrich_draft used a model)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.compose.render import render
from agent.contracts.response import Composition
from agent.grounding.citations import build_citations, collect_refs
from agent.retrieval import citable_documents
from agent.settings import CoachContext, settings
from agent.state import CoachState

TEMPLATES = {
    "next_best_action": "next_best_action.md.j2",
    "process_adherence": "process_adherence.md.j2",
    "stakeholder_strategy": "stakeholder_strategy.md.j2",
    "deal_strategy": "deal_strategy.md.j2",
    "pre_call_brief": "pre_call_brief.md.j2",
    "meeting_agenda": "meeting_agenda.md.j2",
    "objection_guide": "objection_guide.md.j2",
    "methodology_coaching": "methodology_coaching.md.j2",
    "post_call_analysis": "post_call_analysis.md.j2",
}


def compose(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    result = state["result"]
    ctx = state["context"]
    analysis = state["analysis"]
    citations, _ = build_citations(
        list(collect_refs(result)), ctx, citable_documents(settings(runtime.context))
    )
    days = analysis.days_to_close
    close_phrase = f"in {days} days" if days >= 0 else f"{-days} days ago"
    markdown = render(
        TEMPLATES[result.kind],
        citations,
        r=result,
        p=getattr(result, "primary", None),
        a=analysis,
        deal=ctx.deal,
        close_phrase=close_phrase,
    )
    return {
        "markdown": markdown,
        "citations": citations,
        "composition": state.get("composition") or Composition(method="template", latency_ms=0),
    }
