"""Objection guide: the objections this deal is likely to meet, ranked, or the one the rep
typed, each with every answer form the library has."""

from __future__ import annotations

from agent.capabilities.objection_guide.build import build_objection_guide
from agent.capabilities.objection_guide.expectations import ObjectionGuideExpectations
from agent.capabilities.registry import Capability, Draft, Inputs
from agent.retrieval import citable_documents, index_for
from knowledge.retriever import Passage, SearchFilters


def draft(inputs: Inputs) -> Draft:
    run = inputs.settings
    index = index_for(run)

    def search(query: str, filters: SearchFilters) -> list[Passage]:
        return index.search(query, k=10, filters=filters, mode="lexical")

    message = inputs.request.message
    result = build_objection_guide(
        inputs.ctx, inputs.signals, citable_documents(run), search, message
    )
    return Draft(result, (message,) if message else ())


CAPABILITY = Capability(
    name="objection_guide",
    node="guide_objections",
    title="Objection handling",
    summary="Objection handling guide: likely objections ranked, or the one you type.",
    draft=draft,
    command="objections",
    uses=("message",),
    options_help={"message": 'What the customer said, e.g. "they said we\'re too expensive"'},
    expectations=ObjectionGuideExpectations,
)
