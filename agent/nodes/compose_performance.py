"""compose_performance: render the rep's coaching with its template (offline composer)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.compose.render import render
from agent.contracts.response import Composition
from agent.grounding.citations import build_citations, collect_refs
from agent.retrieval import citable_documents
from agent.settings import CoachContext, settings
from agent.state import RepState


def compose_performance(state: RepState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    result = state["result"]
    citations, _ = build_citations(
        list(collect_refs(result)), state["rep"], citable_documents(settings(runtime.context))
    )
    markdown = render("performance_coaching.md.j2", citations, r=result)
    return {
        "markdown": markdown,
        "citations": citations,
        "composition": Composition(method="template", latency_ms=0),
    }
