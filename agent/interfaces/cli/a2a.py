"""`coach a2a`: the coach as an A2A agent on its own port (loopback by default); the HTTP
service mounts the same app at /a2a."""

from __future__ import annotations

from typing import Annotated

import typer

from agent.interfaces.cli.common import user_errors


@user_errors
def a2a_command(
    port: Annotated[int, typer.Option("--port", help="Port to serve on")] = 8766,
    host: Annotated[str, typer.Option("--host", help="Interface to bind")] = "127.0.0.1",
    url: Annotated[
        str | None,
        typer.Option("--url", help="The public URL the agent card announces (default: local)"),
    ] = None,
) -> None:
    """Serve the coach over A2A: the agent card at /.well-known/agent-card.json, JSON-RPC at /.
    Who asks: COACH_PRINCIPAL (or --as), or an X-Coach-Principal header."""
    import uvicorn

    from agent.interfaces.a2a.app import a2a_app
    from agent.interfaces.caller import local_context

    local_context(None)  # a bad COACH_* setting fails here, with its message
    app = a2a_app(url or f"http://{host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning")
