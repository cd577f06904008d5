"""What a caller may look up: its tenant's deals (as its key's principal sees them), each with
its upstream sections as a capability reads them (the tenant's own upstream agents, else its
files), and the knowledge base (the shipped knowledge plus the tenant's overlay)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from agent.contracts.context import DealContext
from agent.contracts.response import MissingInput
from agent.interfaces.http.deps import ContextDep
from agent.settings import CoachContext
from knowledge.retriever import Mode, Passage, SearchFilters
from tools.deal_source import DealSummary

router = APIRouter(prefix="/v1", tags=["deals and knowledge"])
DealId = Annotated[str, Path(min_length=1, max_length=255, examples=["D-1003"])]


class DealView(DealContext):
    """A deal as the capabilities see it, and what they would miss."""

    missing_inputs: list[MissingInput] = Field(
        default_factory=list,
        description="Each upstream section the deal lacks: who supplies it, what it would add, "
        "what its absence costs, and why when its agent's call failed.",
    )


def _public(ctx: CoachContext, sources: dict[str, str]) -> dict[str, str]:
    """Where each section came from, a file named inside the workspace (a caller never reads
    where the server keeps its folders) or the agent's URL."""
    from pathlib import Path as FilePath

    shown = {}
    for section, where in sources.items():
        path = FilePath(where)
        inside = path.is_absolute() and path.is_relative_to(ctx.workspace)
        shown[section] = f"workspace/{path.relative_to(ctx.workspace)}" if inside else where
    return shown


@router.get("/deals", summary="The deals the caller may reach")
async def list_deals(ctx: ContextDep) -> list[DealSummary]:
    from tools.sources import workspace_source

    source = workspace_source(ctx.workspace, ctx.principal)
    return await run_in_threadpool(source.list_deals)


@router.get(
    "/deals/{deal_id}",
    response_model=DealView,
    summary="One deal with every upstream section",
    responses={404: {"description": "No such deal, or not one the caller may reach"}},
)
async def get_deal(deal_id: DealId, ctx: ContextDep) -> DealView:
    """The deal and its upstream agents' sections, read as a capability reads them: from the
    tenant's own upstream agents over HTTP where it has them, else its files; the sections it
    lacks are listed with why. Another tenant's or principal's deal reads exactly like one
    that does not exist (404)."""
    from agent.analysis.missing import missing_inputs
    from tools.deal_ids import check_deal_id
    from tools.sources import workspace_source
    from tools.upstream.source import upstream_source

    def load() -> DealView:
        source = upstream_source(workspace_source(ctx.workspace, ctx.principal), ctx.upstream)
        deal = source.load_context(check_deal_id(deal_id, "deal id"))
        fields = {**dict(deal), "sources": _public(ctx, deal.sources)}
        return DealView.model_construct(**fields, missing_inputs=missing_inputs(deal))

    return await run_in_threadpool(load)


@router.get("/knowledge/search", response_model=list[Passage], summary="Search the knowledge")
async def search_knowledge(
    ctx: ContextDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, examples=["CFO says no budget"])],
    k: Annotated[int, Query(ge=1, le=20)] = 5,
    type: Annotated[list[str] | None, Query()] = None,  # noqa: A002 - the API's own word
    mode: Mode = "hybrid",
) -> list[Passage]:
    """Citable passages (`kb:<doc>#<section>`): methodology, objections, battle cards, plays,
    process standards, proof points."""
    from agent.retrieval import index_for

    filters = SearchFilters(type=type or [])
    index = index_for(ctx)
    # a tenant's overlay before its first `kb ingest` is searched lexically, from its files
    chosen: Mode = mode if index.built else "lexical"
    return await run_in_threadpool(lambda: index.search(q, k=k, filters=filters, mode=chosen))
