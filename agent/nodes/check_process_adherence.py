"""check_process_adherence: the deal against its process, and the rep's pattern across deals."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.analysis import analyze_deal
from agent.capabilities.process_adherence.build import ProcessInUse, assess, check_steps
from agent.contracts.context import DealContext
from agent.contracts.upstream import ProcessStandards
from agent.errors import InvalidInput
from agent.settings import CoachContext, settings
from agent.state import CoachState
from knowledge.corpus import corpus
from knowledge.plays import Play, load_plays
from tools.sources import workspace_source


def process_for(ctx: DealContext, settings_: CoachContext) -> ProcessInUse:
    """The deal's own process, else the default stage model from knowledge."""
    if ctx.process is not None:
        return ProcessInUse(ctx.process, "deal")
    doc = corpus(settings_.knowledge_dirs).docs.get(settings_.default_process)
    if doc is None:
        raise InvalidInput(
            f"no default process '{settings_.default_process}' in knowledge",
            fix="Add process standards to the deal or the knowledge base",
        )
    standard = ProcessStandards.model_validate(doc.meta["standard"])
    if standard.index(ctx.deal.stage) is None:
        raise InvalidInput(
            f"stage '{ctx.deal.stage}' is not in the default process '{standard.name}'",
            where="deal.stage",
            fix="Send the deal's process standards, or use one of: "
            + ", ".join(s.name for s in standard.stages),
        )
    return ProcessInUse(standard, "knowledge_default", doc.id)


def _rep_deals(
    state: CoachState, ctx_settings: CoachContext, plays: tuple[Play, ...]
) -> list[tuple[str, list[Any]]]:
    """Steps of every deal the same rep owns in the workspace (inline requests: this deal)."""
    this = state["context"]
    own = [(this.deal.id, this)]
    if state["request"].deal is None:
        source = workspace_source(ctx_settings.workspace)
        own = [(d, source.load_context(d)) for d in source.deal_ids()]
        own = [(d, c) for d, c in own if c.deal.owner.id == this.deal.owner.id]
    result = []
    for deal_id, ctx in own:
        try:
            process = process_for(ctx, ctx_settings)
        except InvalidInput:
            continue  # a deal of another process model says nothing about this one
        analysis = (
            state["analysis"] if deal_id == this.deal.id else analyze_deal(ctx, state["as_of"])
        )
        result.append((deal_id, check_steps(ctx, analysis, process, plays)))
    return result


def check_process_adherence(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx_settings = settings(runtime.context)
    plays = load_plays(ctx_settings.plays_dir)
    process = process_for(state["context"], ctx_settings)
    result = assess(
        state["context"], state["analysis"], process, plays, _rep_deals(state, ctx_settings, plays)
    )
    # A default process from knowledge is material the result quotes: the checker must know it.
    return {"result": result, "grounds": [process.standard] if process.doc_id else []}
