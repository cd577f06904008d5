"""The in-process entry point every front end shares: CLI, servers, evals, benchmarks."""

from __future__ import annotations

from agent.context import CoachContext
from agent.contracts.request import CoachingRequest
from agent.contracts.response import CoachingResponse
from agent.graph import graph


def coach(request: CoachingRequest, context: CoachContext | None = None) -> CoachingResponse:
    output = graph.invoke({"request": request}, context=context or CoachContext())
    response = output["response"]
    assert isinstance(response, CoachingResponse)
    return response
