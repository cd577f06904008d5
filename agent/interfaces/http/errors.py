"""Every failure is one JSON answer with one readable message, the same words the CLI prints
(agent.errors: what, where, how to fix), never a traceback:

    {"error": {"code": "not_found", "message": "...", "where": "...", "fix": "..."},
     "request_id": "..."}

Bad input is 400 (422 when the body does not match its schema), an unknown or unreachable deal
404 (another tenant's or principal's deal reads exactly like one that does not exist), no key
401, a key that may not do this 403, too big 413, too many 429, a store that does not answer
(the Chroma server) 503, too slow 504.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection

from agent.errors import (
    CoachError,
    DealNotFound,
    ServiceUnavailable,
    UnknownCapability,
    describe_validation_error,
)
from agent.interfaces.http.deps import ApiError

log = logging.getLogger(__name__)
CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 401: "unauthorized"}


class ErrorBody(BaseModel):
    code: str
    message: str
    where: str | None = None
    fix: str | None = None


class ErrorAnswer(BaseModel):
    error: ErrorBody
    request_id: str | None = None


def status_of(exc: CoachError) -> tuple[int, str]:
    if isinstance(exc, DealNotFound) or (exc.what.startswith("no rep ")):
        return 404, "not_found"
    if isinstance(exc, UnknownCapability):
        return 404, "unknown_capability"
    if isinstance(exc, ServiceUnavailable):
        return 503, "unavailable"
    return 400, "invalid_input"


def hide_paths(state: Any, tenant: str | None, text: str | None) -> str | None:
    """A tenant never reads where the server keeps its files: the tenant's folder in a
    message reads `workspace`, its upstream file `upstream.yaml` (the local mode's user is on
    this machine: its paths stay)."""
    if text is None or tenant is None or state.settings.local:
        return text
    ctx = state.tenants.context(tenant)
    text = text.replace(str(ctx.workspace), "workspace").replace(str(ctx.index_dir), "index")
    return text.replace(str(ctx.upstream), "upstream.yaml") if ctx.upstream else text


def failure(conn: HTTPConnection, exc: ApiError | CoachError) -> tuple[int, ErrorBody]:
    """The status and the one message for a failure, as the caller may read it: an answer's
    body, a stream's `error` event, a WebSocket's error message."""
    if isinstance(exc, ApiError):
        return exc.status, ErrorBody(code=exc.code, message=exc.message)
    status, code = status_of(exc)
    log.info("%s", exc, extra={"code": code, "status": status})
    tenant = getattr(conn.scope.get("state", {}).get("caller"), "tenant", None)
    public = partial(hide_paths, conn.app.state, tenant)
    message = public(str(exc)) or ""
    return status, ErrorBody(
        code=code, message=message, where=public(exc.where), fix=public(exc.fix)
    )


def answer(request: Request, status: int, body: ErrorBody, headers: Any = None) -> JSONResponse:
    rid = getattr(request.state, "request_id", None)
    content = ErrorAnswer(error=body, request_id=rid).model_dump(exclude_none=True)
    return JSONResponse(content, status_code=status, headers=headers)


def validation_message(errors: Any) -> CoachError:
    """FastAPI's body errors in the words `coach request` uses for a bad request file."""
    cleaned = [
        {**e, "loc": tuple(p for p in e.get("loc", ()) if p != "body")} for e in list(errors)
    ]
    return CoachError(
        describe_validation_error(cleaned), where="request", fix="See `coach schema request`"
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return answer(request, *failure(request, exc), exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = CODES.get(exc.status_code, "error")
        return answer(request, exc.status_code, ErrorBody(code=code, message=str(exc.detail)))

    @app.exception_handler(CoachError)
    async def _coach(request: Request, exc: CoachError) -> JSONResponse:
        return answer(request, *failure(request, exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        err = validation_message(exc.errors())
        body = ErrorBody(code="invalid_input", message=str(err), where=err.where, fix=err.fix)
        return answer(request, 422, body)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        message = "an internal error; it was logged with this request id. Try again"
        return answer(request, 500, ErrorBody(code="internal", message=message))
