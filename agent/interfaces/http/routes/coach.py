"""Coaching over HTTP: `POST /v1/coach` takes a whole CoachingRequest; `POST /v1/<capability>`
takes that capability's own typed request, made from its declaration in the registry, so a new
capability folder gets its route (and its OpenAPI schema) with no edit here.

With `Accept: text/event-stream` either answers as Server-Sent Events: `progress` once per
graph node as it finishes (LangGraph's "updates"), then `response` with the CoachingResponse;
a client that goes away stops the run before its next node.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from agent.capabilities.registry import Capability
from agent.capabilities.requests import answering, request_model
from agent.contracts.request import CoachingRequest, parse_request
from agent.contracts.response import CoachingResponse
from agent.errors import CoachError
from agent.interfaces.http.deps import ApiError, ContextDep
from agent.interfaces.http.errors import failure
from agent.interfaces.http.runs import last, steps
from agent.settings import CoachContext

router = APIRouter(prefix="/v1", tags=["coaching"])
SSE = "text/event-stream"
STREAMS: dict[int | str, dict[str, Any]] = {
    200: {
        "model": CoachingResponse,
        "content": {SSE: {"schema": {"type": "string"}, "example": "event: progress\n..."}},
        "description": "The response; with `Accept: text/event-stream`, `progress` events "
        "(one per graph node) then one `response` event.",
    }
}
EXAMPLES: dict[str, Any] = {
    "next best action": {"value": {"capability": "next_best_action", "deal_id": "D-1003"}},
    "an objection": {
        "value": {
            "capability": "objection_guide",
            "deal_id": "D-1002",
            "message": "they said we're too expensive",
        }
    },
    "no capability": {"value": {"deal_id": "D-1003", "message": "who should I engage next?"}},
    "a rep": {"value": {"capability": "performance_coaching", "rep_id": "rep-priya"}},
}


def event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


def with_request_id(payload: dict[str, Any], http: Request) -> dict[str, Any]:
    """The header's request id is the run's, unless the caller set `options.request_id`."""
    options = dict(payload.get("options") or {})
    options.setdefault("request_id", getattr(http.state, "request_id", None))
    return {**payload, "options": options}


async def answer(http: Request, request: CoachingRequest, ctx: CoachContext) -> Response:
    from agent.service import stream

    timeout = http.app.state.settings.timeout_s
    if SSE in http.headers.get("accept", ""):
        return StreamingResponse(_events(http, request, ctx, timeout), media_type=SSE)
    kind, response = await last(lambda: stream(request, ctx), timeout, http.app.state.slots)
    assert kind == "response" and isinstance(response, CoachingResponse)
    return Response(response.model_dump_json(), media_type="application/json")


async def _events(
    http: Request, request: CoachingRequest, ctx: CoachContext, timeout: float
) -> AsyncIterator[bytes]:
    from agent.service import stream

    try:
        async for kind, value in steps(lambda: stream(request, ctx), timeout, http.app.state.slots):
            if kind == "progress":
                yield event("progress", json.dumps({"node": value}))
            else:
                yield event("response", value.model_dump_json())
    except (ApiError, CoachError) as exc:  # the status line has gone: the error is an event
        yield error_event(http, exc)


def error_event(http: Request, exc: ApiError | CoachError) -> bytes:
    return event("error", failure(http, exc)[1].model_dump_json(exclude_none=True))


@router.post("/coach", responses=STREAMS, summary="Answer a CoachingRequest")
async def coach_route(
    http: Request,
    ctx: ContextDep,
    body: Annotated[dict[str, Any], Body(openapi_examples=EXAMPLES)],
) -> Response:
    """Any capability, by name, or none (the router picks one from `message`). The body is a
    CoachingRequest (`coach schema request`); the answer a CoachingResponse."""
    request = parse_request(with_request_id(body, http))
    return await answer(http, request, ctx)


def _route(spec: Capability, model: type[BaseModel]) -> Callable[..., Any]:
    async def route(http: Request, ctx: ContextDep, body: Any) -> Response:
        payload = {"capability": spec.name, **body.model_dump(exclude_unset=True)}
        if spec.prepare is not None:
            payload = spec.prepare(payload, ctx)  # e.g. the deal's newest transcript
        return await answer(http, parse_request(with_request_id(payload, http)), ctx)

    route.__annotations__["body"] = model
    route.__name__ = spec.name
    route.__doc__ = spec.summary
    return route


def add_capability_routes(app: FastAPI) -> list[str]:
    """`POST /v1/<name>` for every capability that answers with a response."""
    paths = []
    for spec in answering():
        path = f"/v1/{spec.name}"
        app.add_api_route(
            path,
            _route(spec, request_model(spec)),
            methods=["POST"],
            summary=spec.title,
            description=spec.summary,
            responses=STREAMS,
            tags=["capabilities"],
        )
        paths.append(path)
    return paths
