"""The PostgreSQL backend of chat threads and long-term memory (COACH_DATABASE_URL).

Per process and tenant schema: one pool for LangGraph's PostgresSaver and PostgresStore (their
connections' `search_path` is the tenant's schema, so their unqualified tables are the
tenant's own), and one for turn locks (a lock holds its connection for the whole turn, so it
must not take one the turn needs). The tables are created once per process, under an
advisory lock: `CREATE ... IF NOT EXISTS` is not safe against itself, and several workers
start at once. The optional packages are imported here only, and a missing package or an
unreachable server is one message naming COACH_DATABASE_URL, never the password.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from filelock import Timeout

from agent.errors import InvalidInput

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.checkpoint.postgres import PostgresSaver
    from langgraph.store.postgres import PostgresStore
    from psycopg_pool import ConnectionPool

WHERE = "COACH_DATABASE_URL"
CONNECT_TIMEOUT_S = 10
SETUP_TIMEOUT_S = 120.0
POOL_SIZE = 8  # the server runs two turns per core at once; each needs one or two
LOCK_POOL_SIZE = 16
SETUP_LOCK = 0x636F616368  # "coach": one advisory lock for creating any schema's tables
_POLL_S = (0.01, 0.2)  # a waiting turn lock polls from 10 ms up to 200 ms
_PLACES: dict[int, tuple[str, str]] = {}  # id of an opened saver -> (url, schema)
_OPEN_POOLS: list[Any] = []


def schema_for(tenant: str | None) -> str:
    """`coach` for the installation's own stores; `coach_<tenant>_<hash>` for a server's
    tenant (a tenant name may hold '.', '@' and '-', which a schema name should not, and the
    hash keeps two names that read alike apart)."""
    if tenant is None:
        return "coach"
    slug = re.sub(r"[^a-z0-9]+", "_", tenant.lower()).strip("_")[:32]
    digest = hashlib.sha256(tenant.encode("utf-8")).hexdigest()[:10]
    return f"coach_{slug}_{digest}"


def shown(url: str) -> str:
    """The URL as a message may show it: host, port and database, never the user's password."""
    try:
        parts = urlsplit(url)
        return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or ''}"
    except ValueError:
        return "the URL"


def _modules() -> tuple[Any, Any, Any, Any]:
    try:
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from langgraph.store.postgres import PostgresStore
        from psycopg_pool import ConnectionPool
    except ImportError as exc:
        raise InvalidInput(
            f"COACH_DATABASE_URL is set but PostgreSQL support is not installed ({exc.name})",
            where=WHERE,
            fix="pip install 'sales-coach[postgres]' (langgraph-checkpoint-postgres and "
            "psycopg), or unset COACH_DATABASE_URL to keep chat and memory in SQLite files",
        ) from None
    return psycopg, PostgresSaver, PostgresStore, ConnectionPool


def _unreachable(url: str, exc: Exception) -> InvalidInput:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InvalidInput(
        f"cannot reach the database at {shown(url)} ({reason[:160]})",
        where=WHERE,
        fix="Start PostgreSQL there or correct the URL (scripts/start-postgres.sh installs "
        "one), or unset COACH_DATABASE_URL to keep chat and memory in SQLite files",
    )


def _kwargs(schema: str) -> dict[str, Any]:
    from psycopg.rows import dict_row

    # what LangGraph's savers expect (autocommit, dict rows, no server-side prepares, which a
    # pooler such as PgBouncer would break), on the tenant's schema
    return {
        "autocommit": True,
        "prepare_threshold": 0,
        "row_factory": dict_row,
        "options": f"-c search_path={schema}",
    }


def setup(url: str, schema: str) -> None:
    """The schema and LangGraph's tables, created or migrated; safe to run from many
    processes at once (they queue on one advisory lock) and again (every step is idempotent)."""
    psycopg, saver_cls, store_cls, _ = _modules()
    from psycopg import sql

    try:
        conn = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, **_kwargs(schema))
    except psycopg.OperationalError as exc:
        raise _unreachable(url, exc) from None
    with conn:
        # polled, not waited for in one statement: LangGraph's migrations build indexes
        # CONCURRENTLY, which wait for every running statement, a blocked lock call too
        if not _take(conn, SETUP_LOCK, time.monotonic() + SETUP_TIMEOUT_S):
            raise InvalidInput(
                f"another process has been setting up the tables at {shown(url)} for over "
                f"{SETUP_TIMEOUT_S:g} s",
                where=WHERE,
                fix="Look for a stuck `coach` process on that database, or try again",
            )
        try:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            saver_cls(conn).setup()
            store_cls(conn).setup()
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))


@cache
def _pools(url: str, schema: str) -> tuple[ConnectionPool[Any], ConnectionPool[Any]]:
    """Set up once, then the two pools of this process for the schema: (stores, locks)."""
    setup(url, schema)
    _, _, _, pool_cls = _modules()
    made = []
    for size, name in ((POOL_SIZE, "stores"), (LOCK_POOL_SIZE, "locks")):
        pool = pool_cls(
            url,
            min_size=1,
            max_size=size,
            kwargs=_kwargs(schema),
            name=f"coach-{schema}-{name}",
            open=True,
            timeout=CONNECT_TIMEOUT_S,
        )
        made.append(pool)
    _OPEN_POOLS.extend(made)
    return made[0], made[1]


@cache
def open_saver(url: str, schema: str) -> PostgresSaver:
    _, saver_cls, _, _ = _modules()
    saver: PostgresSaver = saver_cls(_pools(url, schema)[0])
    _PLACES[id(saver)] = (url, schema)  # kept for the process, like the saver itself
    return saver


@cache
def open_store(url: str, schema: str) -> PostgresStore:
    _, _, store_cls, _ = _modules()
    store: PostgresStore = store_cls(_pools(url, schema)[0])
    return store


def close_pools() -> None:
    """Closes every pool this process opened (the next use opens them again)."""
    while _OPEN_POOLS:
        _OPEN_POOLS.pop().close()
    for cached in (_pools, open_saver, open_store):
        cached.cache_clear()
    _PLACES.clear()


def ping_saver(saver: BaseCheckpointSaver[Any]) -> None:
    pool = getattr(saver, "conn", None)
    with pool.connection() as conn:  # type: ignore[union-attr]
        conn.execute("select 1").fetchone()


class AdvisoryLock:
    """A session-level advisory lock on one pooled connection: held until released, or until
    the process dies (its connection closes), so a killed turn never leaves its thread locked."""

    def __init__(self, pool: ConnectionPool[Any], key: int, timeout: float) -> None:
        self.pool, self.key, self.timeout = pool, key, timeout
        self._conn: Any = None
        self._mutex = threading.Lock()

    def acquire(self, timeout: float | None = None) -> AdvisoryLock:
        wait = self.timeout if timeout is None else timeout
        conn = self.pool.getconn()
        try:
            if not _take(conn, self.key, time.monotonic() + max(wait, 0.0)):
                raise Timeout(f"advisory lock {self.key}")
        except BaseException:
            self.pool.putconn(conn)
            raise
        with self._mutex:
            self._conn = conn
        return self

    def release(self) -> None:
        with self._mutex:
            conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        finally:
            self.pool.putconn(conn)

    def __enter__(self) -> AdvisoryLock:
        if self._conn is None:
            self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _take(conn: Any, key: int, deadline: float) -> bool:
    """Tries the advisory lock until `deadline` (at least once), waiting between tries."""
    pause = _POLL_S[0]
    while True:
        if conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (key,)).fetchone()["got"]:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(pause, max(deadline - time.monotonic(), 0.0)))
        pause = min(pause * 2, _POLL_S[1])


def lock_key(schema: str, thread: str) -> int:
    """A signed 64-bit key per schema and thread (advisory locks span the whole database)."""
    digest = hashlib.sha256(f"{schema}|{thread}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def advisory_turn_lock(saver: BaseCheckpointSaver[Any], thread: str, timeout: float) -> Any:
    url, schema = _place_of(saver)
    return AdvisoryLock(_pools(url, schema)[1], lock_key(schema, thread), timeout)


def _place_of(saver: BaseCheckpointSaver[Any]) -> tuple[str, str]:
    found = _PLACES.get(id(saver))
    if found is None:
        raise ValueError("not a checkpointer opened by agent.stores")
    return found
