"""MCP over streamable HTTP as an ASGI app, for the HTTP service to mount at /mcp (or to run on
its own with uvicorn), and MCP over stdio for desktop clients (`coach mcp`).

A host that mounts the app must run its lifespan inside its own (Starlette does not start a
mounted app's lifespan): `async with app.router.lifespan_context(app): ...`. Each call's
settings come from `context_for(request)` (agent/interfaces/caller.py): the host's
authentication decides the tenant and principal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from agent.interfaces.caller import ContextFor, local_context
from agent.interfaces.mcp.server import build_server

if TYPE_CHECKING:
    from starlette.applications import Starlette


def mcp_http_app(context_for: ContextFor = local_context, path: str = "/") -> Starlette:
    """The streamable-HTTP MCP endpoint at `path` of the returned app (stateless, JSON answers:
    every call stands alone, so any worker can serve it)."""
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
    from starlette.applications import Starlette
    from starlette.routing import Mount

    manager = StreamableHTTPSessionManager(
        app=build_server(context_for), json_response=True, stateless=True
    )

    async def endpoint(scope: Any, receive: Any, send: Any) -> None:
        await manager.handle_request(scope, receive, send)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with manager.run():
            yield

    return Starlette(routes=[Mount(path, app=endpoint)], lifespan=lifespan)


async def serve_stdio(context_for: ContextFor = local_context) -> None:
    """One MCP session over stdin and stdout (a desktop client starts `coach mcp`)."""
    from mcp.server.stdio import stdio_server

    server = build_server(context_for)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())
