"""Who is calling a protocol endpoint (MCP, A2A) and with which settings.

`ContextFor` gives each call's CoachContext from the HTTP request (None on stdio). A host that
mounts an endpoint passes its own, so its API key decides the tenant and the principal;
`local_context` is the stand-alone default: the COACH_* environment (COACH_PRINCIPAL is who
asks, as in the CLI) or, when it names no one, an `X-Coach-Principal: [tenant/]id` header,
which only suits local use on loopback (whoever can reach the port may name anyone)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from agent.contracts.principal import Principal
from agent.settings import CoachContext

if TYPE_CHECKING:
    from starlette.requests import Request

ContextFor = Callable[["Request | None"], CoachContext]
PRINCIPAL_HEADER = "x-coach-principal"


@cache
def _env_context() -> CoachContext:
    return CoachContext.from_env()


def local_context(request: Request | None) -> CoachContext:
    """The environment's settings; over HTTP the principal a header names, if any, unless the
    server itself runs as one (COACH_PRINCIPAL or --as): a header never widens that."""
    ctx = _env_context()
    return ctx if ctx.principal is not None else with_named_principal(ctx, request)


def with_named_principal(ctx: CoachContext, request: Request | None) -> CoachContext:
    """`ctx` as the principal the request's X-Coach-Principal header names, if it names one."""
    named = request.headers.get(PRINCIPAL_HEADER) if request is not None else None
    if named and named.strip():
        return replace(ctx, principal=Principal.parse(named, where=PRINCIPAL_HEADER))
    return ctx
