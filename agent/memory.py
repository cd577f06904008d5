"""Long-term memory: LangGraph's SQLite store, one file per installation.

Two namespaces live there, each under its tenant (the principal's, else "local"), so one
tenant's memory is never searched for another's. `("coaching", tenant, rep_id)` records what
the agent recommended to a rep (one item per deal, capability and date), so performance coaching
can later compare advice with what happened. `("lessons", tenant, stage)` keeps lessons from
analysed calls for similar deals.

Nodes reach the store through `runtime.store`, as LangGraph intends; a LangGraph server injects
its own. Without a store (a bare `graph.invoke`) nothing is remembered and nothing fails.
"""

from __future__ import annotations

import os
import sqlite3
from functools import cache
from pathlib import Path

from langgraph.store.sqlite import SqliteStore

from agent.contracts.principal import LOCAL_TENANT, Principal
from agent.files import lock_for

COACHING = "coaching"
LESSONS = "lessons"
BUSY_TIMEOUT_MS = 5000


def sqlite_connection(path: Path) -> sqlite3.Connection:
    """WAL and a busy timeout let a CLI run and a server share one file (OFFLINE.md: SQLite
    across processes needs both); autocommit, as LangGraph's savers expect. In WAL mode,
    `synchronous=NORMAL` is still safe against a killed process (only a power cut may lose
    the last commits, never corrupt the file) and spares each write an fsync: about 9 ms of
    every answer a batch or a CLI run remembers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: switching to WAL may wait
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


@cache
def open_store(path: Path) -> SqliteStore:
    """One connection per file and process. Creating the tables is not atomic across
    processes (two running the migrations at once collide on `store_migrations`), so it runs
    under the file's lock."""
    with lock_for(path):
        store = SqliteStore(sqlite_connection(path))
        store.setup()
        _move_untenanted_history(store)
    _OPENED.append(store)
    return store


# A forked process (`coach batch --jobs N`) opens its own connections: SQLite's must never be
# used on both sides of a fork. The parent's stay referenced in the child, never used and never
# closed there (closing one would touch the parent's locks).
_OPENED: list[SqliteStore] = []
_INHERITED: list[SqliteStore] = []


def _after_fork() -> None:
    _INHERITED.extend(_OPENED)
    _OPENED.clear()
    open_store.cache_clear()


os.register_at_fork(after_in_child=_after_fork)


def _move_untenanted_history(store: SqliteStore) -> None:
    """Coaching history written before memory had tenants (`("coaching", rep_id)`) moves to
    the local tenant, so a rep's earlier recommendations are still judged. Old lessons are not
    moved: they were scrubbed by the older, weaker rules and may hold names; they are left
    unread rather than carried into the new layout."""
    old = [ns for ns in store.list_namespaces(prefix=(COACHING,)) if len(ns) == 2]
    for ns in old:  # a search matches by prefix: only the items of exactly this namespace move
        while items := [i for i in store.search(ns, limit=1000) if tuple(i.namespace) == ns]:
            for item in items:
                store.put(coaching_namespace(ns[1], LOCAL_TENANT), item.key, item.value)
                store.delete(ns, item.key)


def coaching_namespace(rep_id: str, tenant: str) -> tuple[str, str, str]:
    return (COACHING, label(tenant), label(rep_id))


def lessons_namespace(stage: str, tenant: str) -> tuple[str, str, str]:
    return (LESSONS, label(tenant), label(stage.lower().replace(" ", "-")))


def label(value: str) -> str:
    """A namespace label for any id: LangGraph's stores refuse a label with a period (their
    separator) or a NUL, and a rep id such as 'jane.doe' is a valid id, whose answers failed
    when their advice was remembered. Those characters, and '%', are percent-encoded, so two
    ids never share a label; an id without them is its own label, as it always was (one with a
    '%' had its records under the raw label before, and starts a new history: no encoding can
    keep every old label and tell 'a.b' from 'a%2Eb')."""
    if not any(c in value for c in "%.\x00"):
        return value
    return value.replace("%", "%25").replace(".", "%2E").replace("\x00", "%00")


def tenant_of(principal: Principal | None) -> str:
    return principal.tenant if principal is not None else LOCAL_TENANT
