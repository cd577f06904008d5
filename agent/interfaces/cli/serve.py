"""`coach serve`: the HTTP API on uvicorn (agent/interfaces/http).

Without COACH_API_KEYS the server is a single user's: one tenant (the environment's settings)
and loopback only, so it refuses any other --host. With a keys file every request needs a key,
and each key reaches only its tenant's data. Logs are JSON lines unless --log-format says
otherwise, each with the request id the response header carries.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from agent.errors import InvalidInput
from agent.interfaces.cli.common import user_errors


@user_errors
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one)")] = 8000,
    keys: Annotated[
        Path | None,
        typer.Option(
            "--keys", help="API keys file (default: $COACH_API_KEYS; none: loopback, one tenant)"
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds one run may take (504)")] = 60.0,
    new_key: Annotated[
        str | None,
        typer.Option("--new-key", help="Print a new key for this tenant and its keys-file line"),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            help="How callers reach the server, for the A2A card (default http://HOST:PORT)"
        ),
    ] = None,
) -> None:
    """Serve the coach over HTTP: capabilities, chat, live assist, knowledge (OpenAPI at /docs),
    MCP at /mcp and A2A at /a2a, all behind the same keys."""
    from agent.interfaces.http.config import ServerSettings, is_loopback, read_keys
    from agent.interfaces.http.config import new_key as make_key

    if new_key is not None:
        key, line = make_key(new_key)
        typer.echo(f"key (give it to the caller; it is not stored): {key}")
        typer.echo(f"keys file line (only the hash):\n{line}")
        return
    import logging

    import uvicorn

    from agent.interfaces.http.app import create_app
    from agent.log import configure
    from agent.settings_env import api_keys_file

    path = keys or api_keys_file()
    settings = ServerSettings(
        host=host,
        port=port,
        keys=read_keys(path) if path else None,
        timeout_s=timeout,
        url=url,
    )
    if settings.local and not is_loopback(host):
        raise InvalidInput(
            f"no API keys are configured, so the server listens on loopback only (not {host})",
            where="--host",
            fix="Set COACH_API_KEYS (or --keys) to a keys file; `coach serve --new-key T`",
        )
    if "COACH_LOG_FORMAT" not in os.environ and "--log-format" not in sys.argv:
        # a server's logs go to a log shipper: JSON lines, one per request at least
        level = logging.getLogger("agent").getEffectiveLevel()
        configure(logging.getLevelName(min(level, logging.INFO)), "json")
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False)
