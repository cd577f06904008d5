"""Pre-call brief: the people in the room, what they care about, questions, concerns, proof and
a crib sheet for the meeting in the request."""

from __future__ import annotations

from typing import Any

from agent.capabilities.objection_guide.build import build_objection_guide
from agent.capabilities.pre_call_brief.build import MeetingInputs, build_brief
from agent.capabilities.pre_call_brief.expectations import PreCallBriefExpectations
from agent.capabilities.registry import Capability, Draft, Inputs
from agent.contracts.meeting_prep import Point
from agent.retrieval import citable_documents, index_for
from knowledge.plays import load_plays
from knowledge.retriever import Passage, SearchFilters

CONCERNS = 3


def meeting_inputs(inputs: Inputs) -> MeetingInputs:
    """What both meeting capabilities build from (the agenda reuses the brief's parts)."""
    run = inputs.settings
    index = index_for(run)

    def search(query: str, filters: SearchFilters) -> list[Passage]:
        return index.search(query, k=5, filters=filters, mode="lexical")

    knowledge = citable_documents(run)
    return MeetingInputs(
        ctx=inputs.ctx,
        analysis=inputs.signals,
        plays=load_plays(run.plays_dir),
        knowledge=knowledge,
        search=search,
        meeting=inputs.request.meeting,
        concerns=likely_concerns(inputs, knowledge, search),
    )


def likely_concerns(inputs: Inputs, knowledge: Any, search: Any) -> list[Point]:
    """The top objections for this deal, from the objection guide's ranking."""
    guide = build_objection_guide(
        inputs.ctx, inputs.signals, knowledge, search, None, limit=CONCERNS
    )
    return [
        Point(
            text=f"{o.title}: {o.why[0].statement if o.why else o.category}",
            citations=[*(o.why[0].citations if o.why else []), *o.citations[:1]],
        )
        for o in guide.objections
    ]


def draft(inputs: Inputs) -> Draft:
    meeting = inputs.request.meeting
    return Draft(build_brief(meeting_inputs(inputs)), (meeting,) if meeting else ())


CAPABILITY = Capability(
    name="pre_call_brief",
    node="prepare_pre_call_brief",
    title="Pre-call brief",
    summary="Pre-call briefing package for the next meeting, with a crib.",
    draft=draft,
    command="brief",
    uses=("meeting",),
    expectations=PreCallBriefExpectations,
)
