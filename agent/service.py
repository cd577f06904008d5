"""The in-process entry point every front end shares: CLI, servers, evals, benchmarks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from typing import Any

from agent import graph as graphs
from agent.contracts.request import REP_CAPABILITIES, CoachingRequest
from agent.contracts.response import CoachingResponse
from agent.graph import builder, rep_builder
from agent.kept_bundle import kept_together
from agent.log import bind
from agent.retrieval import one_run
from agent.settings import CoachContext
from agent.stores import Place, memory_place, store_at


@cache
def _graph_with_memory(place: Place | None, rep_level: bool = False) -> Any:
    """The graph compiled once per memory place (a SQLite file, or a tenant's schema of the
    shared database: agent/stores), so nodes find LangGraph's store at `runtime.store`;
    without one, the plain graph (nothing is remembered). Rep-level capabilities have their
    own graph over the same store (it reads the coaching history)."""
    if place is None:
        return graphs.rep_graph if rep_level else graphs.graph
    if rep_level:
        return rep_builder.compile(name="sales-coach-rep", store=store_at(place))
    return builder.compile(name="sales-coach", store=store_at(place))


# A forked worker compiles its own graphs, over its own memory connection (agent/memory.py).
os.register_at_fork(after_in_child=_graph_with_memory.cache_clear)


def request_id(request: CoachingRequest) -> str:
    """The caller's id for this request (`options.request_id`, so an orchestrator can follow
    one request through its logs and ours), else a fresh one."""
    given = request.options.get("request_id")
    return str(given) if isinstance(given, str | int) and str(given) else uuid.uuid4().hex[:16]


def coach(request: CoachingRequest, context: CoachContext | None = None) -> CoachingResponse:
    ctx = context or CoachContext()
    rep_level = request.capability in REP_CAPABILITIES
    compiled = _graph_with_memory(memory_place(ctx), rep_level)
    # the request id on every record logged while it runs; the workspace read once (one_run);
    # what a batch keeps of each deal written once, at the end (kept_together)
    with bind(request_id=request_id(request)), one_run(), kept_together():
        output = compiled.invoke({"request": request}, context=ctx)
    response = output["response"]
    assert isinstance(response, CoachingResponse)
    return response


def stream(
    request: CoachingRequest, context: CoachContext | None = None
) -> Iterator[tuple[str, Any]]:
    """The same run as `coach`, step by step (LangGraph's "updates"): `("progress", node)` as
    each node finishes, then `("response", CoachingResponse)`. Closing the iterator stops the
    run before its next node, which is how a server cancels a run whose client went away or
    whose time ran out."""
    ctx = context or CoachContext()
    compiled = _graph_with_memory(memory_place(ctx), request.capability in REP_CAPABILITIES)
    response: CoachingResponse | None = None
    with bind(request_id=request_id(request)), one_run(), kept_together():
        for update in compiled.stream({"request": request}, context=ctx, stream_mode="updates"):
            for node, values in update.items():
                yield "progress", node
                found = values.get("response") if isinstance(values, dict) else None
                response = found if isinstance(found, CoachingResponse) else response
    assert response is not None, "the graph ended without a response"
    yield "response", response
