"""compose_performance: render the rep's coaching with its template (offline composer)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.citations import build_citations, collect_refs
from agent.context import CoachContext, settings
from agent.contracts.response import Composition
from agent.knowledge import citable_documents
from agent.render import render
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
