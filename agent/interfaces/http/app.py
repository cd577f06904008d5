"""The service's one FastAPI app: `create_app(settings)`.

Resources open once, in the lifespan: each tenant's settings, knowledge index and stores (so
the first request does not pay for them) and the compiled graphs; they close when the server
stops. MCP (`/mcp`) and A2A (`/a2a`) are mounted behind the same keys
(agent/interfaces/http/protocols.py); other ASGI apps can be added to `MOUNTS` (a path and a
factory taking the settings), or passed as `mounts=` to `create_app`, after the API's routes.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from agent.contracts.request import CoachingRequest
from agent.interfaces import web
from agent.interfaces.http import errors
from agent.interfaces.http.config import ServerSettings
from agent.interfaces.http.deps import RateLimiter, Tenants
from agent.interfaces.http.middleware import RequestContext
from agent.interfaces.http.protocols import Admitted, lifespans, protocol_apps
from agent.interfaces.http.routes import chat, coach, deals, health, live, sources

if TYPE_CHECKING:
    from agent.respond.relay.run import Background

log = logging.getLogger(__name__)
# (path, factory): ASGI apps mounted beside the API, e.g. ("/mcp", mcp_app). Each factory gets
# the server's settings and the Tenants (who may see what) and returns an ASGI app.
Mount = tuple[str, Callable[[ServerSettings, Tenants], ASGIApp]]
MOUNTS: list[Mount] = [(web.PATH, web.page)]


def _warm(tenants: Tenants) -> None:
    """Opens what every request needs, once: each tenant's index (its sections and lexical
    index), memory store and chat threads; the graphs compile on import."""
    import agent.service  # noqa: F401 - the graphs compile once, here, not on a request
    from agent.errors import ServiceUnavailable
    from agent.retrieval import index_for
    from agent.stores import memory_place, store_at

    for name in tenants.names():
        ctx = tenants.context(name)
        try:
            index_for(ctx).search("warm up", k=1, mode="lexical")
        except ServiceUnavailable as exc:  # the server starts; /readyz says not ready, and why
            log.warning("%s", exc, extra={"tenant": name})
        if (place := memory_place(ctx)) is not None:
            store_at(place)
        tenants.checkpointer(ctx)


def _start_relay(tenants: Tenants) -> Background | None:
    """With COACH_RELAY set, the relay delivers each tenant's outbox beside the server (one
    worker per outbox: the others find it locked and leave it)."""
    path = os.environ.get("COACH_RELAY")
    if not path:
        return None
    from agent.respond.relay.run import start_background

    outboxes = [o for n in tenants.names() if (o := tenants.context(n).outbox) is not None]
    return start_background(Path(path), outboxes)


def create_app(settings: ServerSettings | None = None, mounts: Sequence[Mount] = ()) -> FastAPI:
    chosen = settings or ServerSettings()
    tenants = Tenants(chosen)

    mounted: list[ASGIApp] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(_warm, tenants)
        relay = await run_in_threadpool(_start_relay, tenants)
        mode = "local (loopback, one tenant)" if chosen.local else f"{len(tenants.names())} tenants"
        log.info("serving: %s", mode, extra={"tenants": tenants.names()})
        try:
            async with lifespans(mounted):
                yield
        finally:
            if relay is not None:
                await run_in_threadpool(relay.close)
            tenants.close()

    from agent.interfaces.cli.app import installed_version

    app = FastAPI(
        title="Sales coach",
        version=installed_version(),
        summary="Grounded, cited B2B sales coaching: capabilities, chat, live assist.",
        description=(
            "Every answer is a CoachingResponse whose statements cite the input or the "
            "knowledge. Send the API key as `Authorization: Bearer <key>`; each key is bound "
            "to a tenant. Errors are one message: what, where, how to fix."
        ),
        lifespan=lifespan,
    )
    app.state.settings = chosen
    app.state.tenants = tenants
    app.state.limiter = RateLimiter()
    app.state.slots = asyncio.Semaphore(chosen.max_runs)
    app.add_middleware(RequestContext)
    errors.install(app)
    for module in (health, coach, deals, sources, chat, live, web):
        app.include_router(module.router)
    coach.add_capability_routes(app)
    for path, factory in [*MOUNTS, *mounts]:
        app.mount(path, factory(chosen, tenants))
    if chosen.protocols:
        for path, sub in protocol_apps(app.state, chosen.public_url).items():
            mounted.append(sub)
            app.mount(path, Admitted(sub, app.state))
    _document_request(app)
    return app


def _document_request(app: FastAPI) -> None:
    """`POST /v1/coach` reads its body itself (to answer a bad one in the CLI's words); its
    OpenAPI entry still shows the CoachingRequest schema."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        defs = CoachingRequest.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(defs.pop("$defs", {}))
        components["CoachingRequest"] = defs
        body = schema["paths"]["/v1/coach"]["post"]["requestBody"]["content"]["application/json"]
        body["schema"] = {"$ref": "#/components/schemas/CoachingRequest"}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
