"""prepare_pre_call_brief and plan_meeting_agenda: meeting preparation from the deal, the
meeting details in the request and the knowledge base."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.meeting_agenda.build import build_agenda
from agent.capabilities.pre_call_brief.build import build_brief
from agent.contracts.meeting_prep import Point
from agent.retrieval import citable_documents, index_for
from agent.settings import CoachContext, settings
from agent.state import CoachState
from knowledge.plays import load_plays
from knowledge.retriever import Passage, SearchFilters

CONCERNS = 3


def _inputs(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx = settings(runtime.context)
    index = index_for(ctx)

    def search(query: str, filters: SearchFilters) -> list[Passage]:
        return index.search(query, k=5, filters=filters, mode="lexical")

    knowledge = citable_documents(ctx)
    return {
        "ctx": state["context"],
        "analysis": state["analysis"],
        "plays": load_plays(ctx.plays_dir),
        "knowledge": knowledge,
        "search": search,
        "meeting": state["request"].meeting,
        "concerns": likely_concerns(state, knowledge, search),
    }


def likely_concerns(state: CoachState, knowledge: Any, search: Any) -> list[Point]:
    """The top objections for this deal, from the objection guide's ranking."""
    from agent.capabilities.objection_guide.build import build_objection_guide

    guide = build_objection_guide(
        state["context"], state["analysis"], knowledge, search, None, limit=CONCERNS
    )
    return [
        Point(
            text=f"{o.title}: {o.why[0].statement if o.why else o.category}",
            citations=[*(o.why[0].citations if o.why else []), *o.citations[:1]],
        )
        for o in guide.objections
    ]


def prepare_pre_call_brief(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    meeting = state["request"].meeting
    return {
        "result": build_brief(**_inputs(state, runtime)),
        "grounds": [meeting] if meeting else [],
    }


def plan_meeting_agenda(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    meeting = state["request"].meeting
    return {
        "result": build_agenda(**_inputs(state, runtime)),
        "grounds": [meeting] if meeting else [],
    }
