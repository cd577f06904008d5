"""`coach mcp`: the coach as an MCP server on stdio (for desktop clients such as Claude Desktop),
or on streamable HTTP with --port (loopback by default)."""

from __future__ import annotations

from typing import Annotated

import typer

from agent.interfaces.cli.common import user_errors


@user_errors
def mcp_command(
    port: Annotated[
        int | None,
        typer.Option("--port", help="Serve streamable HTTP on this port instead of stdio"),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Interface for --port")] = "127.0.0.1",
) -> None:
    """Serve the coach over MCP: a tool per capability, knowledge search, deal lookup.
    Who asks: COACH_PRINCIPAL (or --as); over HTTP also an X-Coach-Principal header."""
    import anyio

    from agent.interfaces.caller import local_context
    from agent.interfaces.mcp.http import mcp_http_app, serve_stdio

    local_context(None)  # a bad COACH_* setting fails here, with its message, not per call
    if port is None:
        anyio.run(serve_stdio)
        return
    import uvicorn

    uvicorn.run(mcp_http_app(path="/mcp"), host=host, port=port, log_level="warning")
