"""The A2A endpoint as an ASGI app: the agent card at `/.well-known/agent-card.json` and
JSON-RPC at `/` (A2A 1.0's `SendMessage`, `SendStreamingMessage`, `GetTask` …, and v0.3's
`message/send` and `message/stream`), tasks kept in memory. Mount it, e.g. at /a2a, and give
the absolute URL it is reached at, which the card announces."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.interfaces.caller import ContextFor, local_context

if TYPE_CHECKING:
    import asyncio

    from starlette.applications import Starlette


def a2a_app(
    url: str,
    context_for: ContextFor = local_context,
    timeout_s: float | None = None,
    slots: asyncio.Semaphore | None = None,
) -> Starlette:
    """`timeout_s` and `slots`: the service's deadline per run and its bound on runs at once
    (CoachExecutor); by default the service's default deadline and no bound."""
    from a2a.server.request_handlers import DefaultRequestHandler
    from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
    from a2a.server.tasks import InMemoryTaskStore
    from starlette.applications import Starlette

    from agent.interfaces.a2a.card import agent_card
    from agent.interfaces.a2a.executor import CallerContextBuilder, CoachExecutor
    from agent.interfaces.cli.app import installed_version
    from agent.interfaces.http.config import DEFAULT_TIMEOUT_S

    card = agent_card(url, installed_version())
    handler = DefaultRequestHandler(
        agent_executor=CoachExecutor(timeout_s or DEFAULT_TIMEOUT_S, slots),
        task_store=InMemoryTaskStore(),
        agent_card=card,
    )
    routes = [
        *create_agent_card_routes(card),
        *create_jsonrpc_routes(
            handler,
            rpc_url="/",
            context_builder=CallerContextBuilder(context_for),
            enable_v0_3_compat=True,
        ),
    ]
    return Starlette(routes=routes)
