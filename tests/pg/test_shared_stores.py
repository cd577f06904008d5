"""Long-term memory and chat threads in a real PostgreSQL (tests/pg/conftest.py): tables set up
by several processes at once, lessons shared across processes, tenants kept apart."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import httpx

from agent.chat.context import ChatContext
from agent.chat.session import ChatSession
from agent.contracts.principal import Principal
from agent.interfaces.http.app import create_app
from agent.memory import lessons_namespace
from agent.settings import CoachContext
from agent.stores import chat_place, memory_place, saver_at, store_at
from agent.stores.postgres import schema_for, setup
from evals.bench_http_load import tenant_workspace
from evals.bench_shared_stores import asked, spawn
from tests.http.conftest import keyed_settings, serving


def _tables(url: str, schema: str) -> set[str]:
    import psycopg  # an optional package: the cluster fixture skips without it

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {r[0] for r in rows}


def test_several_processes_set_up_the_database_at_once(pg_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [spawn("setup", str(go)) for _ in range(3)]
    go.touch()
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-800:] for _, err in results]
    assert all(out.split() == ["ready"] for out, _ in results)
    tables = _tables(pg_url, "coach")
    assert {"checkpoints", "checkpoint_writes", "store", "store_migrations"} <= tables
    setup(pg_url, "coach")  # again, as a restart does: nothing changes, nothing fails
    assert _tables(pg_url, "coach") == tables


def test_lessons_written_by_one_process_are_read_by_another_of_the_same_tenant_only(
    pg_url: str,
) -> None:
    writer = spawn("lessons", "put", "acme")
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err[-800:]
    ctx = CoachContext.from_env()
    assert ctx.database_url == pg_url

    def keys(tenant: str | None) -> list[str]:
        place = memory_place(replace(ctx, tenant=tenant))
        assert place is not None and place.shared
        items = store_at(place).search(lessons_namespace("Proposal", "local"), limit=100)
        return sorted(i.key for i in items)

    assert keys("acme") == ["lesson-acme"]
    assert keys("beta") == [] and keys(None) == []
    reader = spawn("lessons", "get", "acme")
    out, _ = reader.communicate(timeout=300)
    assert json.loads(out) == ["lesson-acme"]
    assert schema_for("acme") != schema_for("beta") != schema_for(None)


def test_a_tenant_or_principal_never_opens_another_ones_thread(pg_url: str) -> None:
    base = CoachContext.from_env()

    def chat(tenant: str | None, principal: str | None = None) -> ChatSession:
        ctx = replace(
            base, tenant=tenant, principal=Principal.parse(principal) if principal else None
        )
        return ChatSession(ChatContext(coach=ctx), saver_at(chat_place(ctx)), thread="shared")

    mine = chat("acme")
    list(mine.ask("what can you do? (acme)"))
    assert asked(chat("acme")) == ["what can you do? (acme)"]  # the same tenant: the same thread
    assert chat("beta").values == {} and chat(None).values == {}
    assert chat("acme", "rep-tom").values == {}  # inside a tenant, per principal as in SQLite
    list(chat("beta").ask("what can you do? (beta)"))
    assert asked(chat("acme")) == ["what can you do? (acme)"]
    assert asked(chat("beta")) == ["what can you do? (beta)"]


def test_the_tenants_of_one_server_keep_their_threads_apart(pg_url: str, tmp_path: Path) -> None:
    """Keys of two tenants on one server and one database: a thread name is each tenant's own."""
    for tenant, deal in (("acme", "D-1003"), ("globex", "D-1008")):
        tenant_workspace(tmp_path, tenant, (deal,))
    settings = keyed_settings(tmp_path, protocols=False)
    settings = replace(settings, base=replace(settings.base, database_url=pg_url))
    with serving(create_app(settings)) as url:
        acme = {"Authorization": "Bearer key-acme"}
        globex = {"Authorization": "Bearer key-globex"}
        turn = {"message": "what can you do?", "deal_id": "D-1003"}
        assert httpx.post(f"{url}/v1/chat/ours", json=turn, headers=acme, timeout=120).is_success
        assert httpx.get(f"{url}/v1/chat/ours", headers=acme, timeout=60).is_success
        assert httpx.get(f"{url}/v1/chat/ours", headers=globex, timeout=60).status_code == 404
        assert httpx.get(f"{url}/readyz", timeout=60).json()["status"] == "ready"
    assert _tables(pg_url, schema_for("acme")) >= {"checkpoints", "store"}
    assert _tables(pg_url, schema_for("globex")) >= {"checkpoints", "store"}
