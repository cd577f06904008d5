"""What wraps every request, pure ASGI (so streams and WebSockets pass through untouched):
a request id in the response header and on every log line, one access-log line, and the
request size limit (agent/intake.py) enforced while the body arrives, not after."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.errors import CoachError
from agent.intake import LIMITS, size_text
from agent.log import bind

log = logging.getLogger("agent.interfaces.http.access")
HEADER = b"x-request-id"
_GIVEN = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def _request_id(scope: Scope) -> str:
    """The caller's own id when it sends a usable one (to follow one call through its logs
    and ours), else a fresh one."""
    for name, value in scope.get("headers", []):
        if name == HEADER:
            text = str(value.decode("latin-1"))
            if _GIVEN.fullmatch(text):
                return text
    return uuid.uuid4().hex[:16]


def _too_large(limit: int) -> str:
    return str(
        CoachError(
            f"the request is larger than {size_text(limit)}",
            where="request",
            fix="Send less: a shorter transcript, or the deal by id instead of inline",
        )
    )


class RequestContext:
    def __init__(self, app: ASGIApp, limit: int | None = None) -> None:
        self.app, self._limit = app, limit

    @property
    def limit(self) -> int:
        """The given limit, else the request-body setting as it is now."""
        return LIMITS.request if self._limit is None else self._limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        started, status = time.perf_counter(), [0]

        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send, rid)
            self._log(scope, rid, 413, started)
            return
        seen = [0]

        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > self.limit:  # FastAPI passes an HTTPException through as it is
                    raise HTTPException(413, _too_large(self.limit))
            return message

        async def stamped(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                status[0] = message.get("status", 101)
                headers = [*message.get("headers", []), (HEADER, rid.encode())]
                message = {**message, "headers": headers}
            await send(message)

        with bind(request_id=rid):
            try:
                await self.app(scope, counted, stamped)
            finally:
                self._log(scope, rid, status[0], started)

    async def _refuse(self, send: Send, rid: str) -> None:
        body = json.dumps({"error": {"code": "too_large", "message": _too_large(self.limit)}})
        headers = [(b"content-type", b"application/json"), (HEADER, rid.encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body.encode()})

    def _log(self, scope: Scope, rid: str, status: int, started: float) -> None:
        state: dict[str, Any] = scope.get("state", {})
        found = state.get("caller")
        log.info(
            "%s %s %s",
            scope.get("method", "WS"),
            scope.get("path", ""),
            status,
            extra={
                "request_id": rid,
                "status": status,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                "tenant": getattr(found, "tenant", None),
                "key": getattr(found, "key_id", None),
            },
        )
