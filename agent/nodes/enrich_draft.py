"""enrich_draft: with a chat model configured, it rewrites the draft's prose (agent/compose/);
without one, nothing happens and compose renders the draft with its template."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langgraph.runtime import Runtime

from agent.contracts.response import Composition
from agent.grounding.checker import checker_for_draft
from agent.retrieval import citable_documents
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def _client(run: CoachContext) -> BaseChatModel:
    client = run.client()
    assert client is not None
    return client


def enrich_draft(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    run = settings(runtime.context)
    if run.chat_model is None and run.model is None:
        return {}
    if state.get("model_down"):  # the read node's warning already says so; do not wait again
        return {"composition": Composition(method="template", model=run.model_name, latency_ms=0)}
    # the model layer (langchain's chat models, the prompts, token counting) only with a model
    from agent.compose.enrich import enrich

    draft = state["result"]
    docs = citable_documents(run)
    checker = checker_for_draft(
        state["deal"],
        state["analysis"],
        state["missing_inputs"],
        draft,
        docs,
        state.get("grounds", []),
    )
    name = str(run.model_name)
    outcome = enrich(
        draft,
        model=lambda: _client(run),
        settings=run.model,
        model_name=name,
        ctx=state["deal"],
        request=state["request"],
        docs=docs,
        checker=checker,
        as_of=state["as_of"].isoformat(),
    )
    return {
        "result": outcome.result,
        "composition": outcome.composition,
        "warnings": outcome.warnings,
    }
