"""Who is calling, and with what settings: the API key becomes a tenant's context (its own
folders, the key's principal), checked and rate-limited before any route runs.

Every route takes its settings from `Depends(coach_context)`, never from the request body, so
no id a caller sends can widen what it reaches: deal ids and threads are looked up inside the
tenant's own workspace and files, through WorkspaceSource.scoped for the key's principal.
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends
from starlette.requests import HTTPConnection

from agent.contracts.principal import Principal
from agent.interfaces.http.config import (
    LOCAL,
    Caller,
    ServerSettings,
    hash_key,
    is_loopback,
    tenant_context,
)
from agent.settings import CoachContext

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver

    from agent.stores import Place


class ApiError(Exception):
    """An answer other than 200, with one readable message (what, where, fix)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateLimiter:
    """A token bucket per key: `per_minute` requests a minute, bursts up to that many."""

    buckets: dict[str, _Bucket] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str, per_minute: int) -> float:
        """0 when admitted, else the seconds until the next request would be."""
        now, rate = time.monotonic(), per_minute / 60.0
        with self.lock:
            bucket = self.buckets.setdefault(key, _Bucket(float(per_minute), now))
            bucket.tokens = min(float(per_minute), bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / rate


class Tenants:
    """Each tenant's settings and chat checkpointer, opened once and kept while serving."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self._contexts: dict[str, CoachContext] = {}
        self._savers: dict[Place, BaseCheckpointSaver[Any]] = {}
        self._lock = threading.Lock()

    @cached_property
    def by_hash(self) -> dict[str, Caller]:
        keys = self.settings.keys.keys if self.settings.keys else []
        return {
            k.sha256: Caller(
                k.id,
                k.tenant,
                Principal(id=k.principal, tenant=k.tenant) if k.principal else None,
                k.per_minute,
            )
            for k in keys
        }

    def names(self) -> list[str]:
        if self.settings.keys is None:
            return [LOCAL]
        return sorted({c.tenant for c in self.by_hash.values()})

    def context(self, tenant: str) -> CoachContext:
        with self._lock:
            if tenant not in self._contexts:
                self._contexts[tenant] = tenant_context(self.settings, tenant)
            return self._contexts[tenant]

    def checkpointer(self, ctx: CoachContext) -> BaseCheckpointSaver[Any]:
        """The tenant's chat threads (agent/stores: its SQLite file or its schema of the
        shared database); threads idle past the retention are pruned when first opened."""
        from agent.stores import chat_place, saver_at
        from agent.stores.retention import prune

        place = chat_place(ctx)
        with self._lock:
            if place not in self._savers:
                saver = saver_at(place)
                prune(saver, ctx.chat_retention_days)
                self._savers[place] = saver
            return self._savers[place]

    def close(self) -> None:
        from agent.stores import close_saver

        with self._lock:
            for saver in self._savers.values():
                close_saver(saver)
            self._savers.clear()


def _presented_key(conn: HTTPConnection) -> str | None:
    auth = conn.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    # a browser's WebSocket cannot set headers: the key may come as a query parameter there
    return conn.headers.get("x-api-key") or conn.query_params.get("api_key")


def authenticate(conn: HTTPConnection, state: Any) -> Caller:
    """The key's caller; 401 without a (known) key. The local mode admits loopback only.
    `state` is the service app's (a mounted protocol app has its own `conn.app`)."""
    tenants: Tenants = state.tenants
    settings: ServerSettings = state.settings
    if settings.local:
        client = conn.client.host if conn.client else ""
        if not is_loopback(client):
            raise ApiError(
                403,
                "forbidden",
                "no API keys are configured: only loopback may call. "
                "Set COACH_API_KEYS to serve other hosts",
            )
        return Caller("local", LOCAL, settings.base.principal, settings.local_per_minute)
    key = _presented_key(conn)
    if not key:
        raise ApiError(
            401,
            "unauthorized",
            "no API key. Send it as `Authorization: Bearer <key>` (or X-API-Key)",
            {"WWW-Authenticate": "Bearer"},
        )
    digest = hash_key(key)
    for known, caller in tenants.by_hash.items():
        if hmac.compare_digest(known, digest):
            return caller
    raise ApiError(401, "unauthorized", "unknown API key", {"WWW-Authenticate": "Bearer"})


def caller(conn: HTTPConnection) -> Caller:
    """The authenticated caller, within its key's rate limit (else 429 with Retry-After)."""
    return admitted(conn, conn.app.state)


def admitted(conn: HTTPConnection, state: Any) -> Caller:
    """`caller` against the service's state: what every route and mounted app admits."""
    found = authenticate(conn, state)
    limiter: RateLimiter = state.limiter
    wait = limiter.take(found.key_id, found.per_minute)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise ApiError(
            429,
            "rate_limited",
            f"more than {found.per_minute} requests a minute for this key. Retry after {seconds} s",
            {"Retry-After": str(seconds)},
        )
    conn.scope.setdefault("state", {})["caller"] = found  # for the access log
    return found


CallerDep = Annotated[Caller, Depends(caller)]


def coach_context(conn: HTTPConnection, who: CallerDep) -> CoachContext:
    """The run's settings: the caller's tenant's, as the key's principal sees them."""
    return context_of(conn.app.state.tenants, who)


def context_of(tenants: Tenants, who: Caller) -> CoachContext:
    ctx = tenants.context(who.tenant)
    return replace(ctx, principal=who.principal) if who.principal is not None else ctx


ContextDep = Annotated[CoachContext, Depends(coach_context)]
