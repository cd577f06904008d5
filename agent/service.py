"""The in-process entry point every front end shares: CLI, servers, evals, benchmarks."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from agent.context import CoachContext
from agent.contracts.request import CoachingRequest
from agent.contracts.response import CoachingResponse
from agent.graph import builder, graph
from agent.memory import open_store


@cache
def _graph_with_memory(path: Path | None) -> Any:
    """The graph compiled once per memory file, so nodes find LangGraph's store at
    `runtime.store`; without a file, the plain graph (nothing is remembered)."""
    if path is None:
        return graph
    return builder.compile(name="sales-coach", store=open_store(path))


def coach(request: CoachingRequest, context: CoachContext | None = None) -> CoachingResponse:
    ctx = context or CoachContext()
    output = _graph_with_memory(ctx.memory).invoke({"request": request}, context=ctx)
    response = output["response"]
    assert isinstance(response, CoachingResponse)
    return response
