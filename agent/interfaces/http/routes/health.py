"""`/healthz`: the process answers. `/readyz`: it can serve: each tenant's knowledge index is
loaded (or readable from the files; with COACH_CHROMA_URL, the Chroma server answers) and its
stores (memory, chat threads) answer a query."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _checks(tenants: Any) -> dict[str, dict[str, Any]]:
    from agent.errors import ServiceUnavailable
    from agent.retrieval import index_for
    from agent.stores import memory_place, ping, store_at

    found: dict[str, dict[str, Any]] = {}
    for name in tenants.names():
        ctx = tenants.context(name)
        checks: dict[str, Any] = {}
        try:
            index = index_for(ctx)
            index.refresh()  # a server index: asks the server which version is live
            checks["index"] = "built" if index.built else "files only"
            checks["sections"] = len(index.records)
        except ServiceUnavailable as exc:  # the Chroma server is down: not ready, said why
            checks["index"] = f"unavailable: {exc.what}"
        try:
            if (place := memory_place(ctx)) is not None:
                store_at(place).get(("health",), "probe")
            ping(tenants.checkpointer(ctx))
            checks["stores"] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            checks["stores"] = f"failed: {type(exc).__name__}"
        found[name] = checks
    return found


@router.get("/readyz", summary="Indexes loaded and stores reachable, per tenant")
async def readyz(request: Request) -> JSONResponse:
    checks = await run_in_threadpool(_checks, request.app.state.tenants)
    ready = all(c.get("stores") == "ok" and c.get("sections") for c in checks.values())
    status = {"status": "ready" if ready else "not ready", "tenants": checks}
    return JSONResponse(status, status_code=200 if ready else 503)
