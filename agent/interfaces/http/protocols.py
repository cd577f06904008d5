"""MCP and A2A on the service: `/mcp` (streamable HTTP) and `/a2a` (JSON-RPC, agent card at
`/a2a/.well-known/agent-card.json`), behind the same API keys, tenants and rate limits as the
routes. Each mounted app is wrapped so that a call without a valid key never reaches it; the
caller's tenant and principal then decide every call's settings (`context_for`), whatever ids
the call sends. Starlette does not run a mounted app's lifespan, so the service's lifespan
enters each one's (`lifespans`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from agent.interfaces.caller import ContextFor
from agent.interfaces.http.config import Caller
from agent.interfaces.http.deps import ApiError, admitted, context_of
from agent.interfaces.http.errors import answer, failure
from agent.settings import CoachContext

log = logging.getLogger(__name__)


class Admitted:
    """ASGI wrapper: admits a call to a mounted protocol app only with a key the service knows
    (within its rate limit), and records the caller for `context_for` and the access log."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        try:
            who = admitted(HTTPConnection(scope), self.state)
        except ApiError as exc:
            request = Request(scope, receive)
            status, body = exc.status, failure(request, exc)[1]
            await answer(request, status, body, exc.headers)(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = who
        await self.app(scope, receive, send)


def context_for(state: Any) -> ContextFor:
    """Each protocol call's settings: its admitted caller's tenant, as its principal."""

    def context(request: Request | None) -> CoachContext:
        who = request.scope.get("state", {}).get("caller") if request is not None else None
        if not isinstance(who, Caller):  # only reachable through `Admitted`
            raise ApiError(401, "unauthorized", "no admitted caller for this protocol call")
        return context_of(state.tenants, who)

    return context


def protocol_apps(state: Any, base_url: str) -> dict[str, ASGIApp]:
    """The MCP and A2A apps, by mount path, each reached only through `Admitted`; none when
    the `protocols` extra (mcp, a2a-sdk) is not installed."""
    try:
        import a2a  # noqa: F401
        import mcp  # noqa: F401
    except ImportError:
        log.warning("MCP and A2A are off: install sales-coach[protocols] to serve them")
        return {}
    from agent.interfaces.a2a.app import a2a_app
    from agent.interfaces.mcp.http import mcp_http_app

    ctx = context_for(state)
    return {
        "/mcp": mcp_http_app(ctx),
        "/a2a": a2a_app(f"{base_url.rstrip('/')}/a2a/", ctx, state.settings.timeout_s, state.slots),
    }


@asynccontextmanager
async def lifespans(apps: Sequence[Any]) -> AsyncIterator[None]:
    """Runs the lifespans of mounted Starlette apps inside the service's own."""
    async with AsyncExitStack() as stack:
        for sub in apps:
            router = getattr(sub, "router", None)
            if router is not None:
                await stack.enter_async_context(router.lifespan_context(sub))
        yield
