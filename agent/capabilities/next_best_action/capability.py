"""Next best action: the best play for this deal now, two alternatives, and why."""

from __future__ import annotations

from typing import Any

from agent.analysis.probability import estimate_win_probability
from agent.capabilities.common.coaching_history import record_for, remember
from agent.capabilities.next_best_action.build import recommend
from agent.capabilities.next_best_action.expectations import NextBestActionExpectations
from agent.capabilities.registry import Capability, Draft, Inputs
from agent.memory import tenant_of
from agent.retrieval import citable_documents, index_for
from knowledge.plays import load_plays
from knowledge.retriever import Passage, SearchFilters


def draft(inputs: Inputs) -> Draft:
    run = inputs.settings
    index = index_for(run)

    def search(query: str, filters: SearchFilters) -> list[Passage]:
        return index.search(query, k=run.max_guidance, filters=filters, mode="lexical")

    result = recommend(
        inputs.ctx,
        inputs.signals,
        load_plays(run.plays_dir),
        run.max_alternatives,
        search,
        run.max_guidance,
        estimate_win_probability(inputs.ctx, inputs.signals, inputs.settings.fitted_win_model()),
        citable_documents(run),
    )
    return Draft(result)


def remember_advice(store: Any, result: Any, inputs: Inputs) -> None:
    """The coaching history performance coaching reads: what was advised, to whom, by when."""
    if (advice := record_for(inputs.ctx, result, inputs.as_of)) is not None:
        remember(store, advice, tenant_of(inputs.settings.principal))


CAPABILITY = Capability(
    name="next_best_action",
    node="recommend_next_action",
    title="Next best action",
    summary="The next best action for a deal, with rationale, timing, alternatives and sources.",
    draft=draft,
    command="next-action",
    expectations=NextBestActionExpectations,
    remember=remember_advice,
    p95_budget_ms=250,
    median_target_ms=20,
)
