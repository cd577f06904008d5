"""Where chat threads and long-term memory live, and the one factory that opens them.

Without COACH_DATABASE_URL a tenant's stores are two SQLite files (`memory.sqlite` and
`chat.sqlite` beside it), shared by the processes of one machine. With it they are one schema
of a PostgreSQL database (LangGraph's PostgresSaver and PostgresStore over pooled
connections), shared by every process and `coach serve` worker that names the database. Each
tenant has its own schema as it has its own files, and inside it thread ids and memory
namespaces are exactly those of SQLite (agent/chat/context.py `thread_id`, agent/memory.py),
so no tenant or principal reaches another's threads or lessons in either backend.

Callers ask for a *place* (`memory_place`, `chat_place`: hashable, so graphs and savers are
kept per place) and open it here: `store_at`, `saver_at`, `turn_lock`, `close_saver`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.store.base import BaseStore

    from agent.settings import CoachContext

CHAT_DB_NAME = "chat.sqlite"


@dataclass(frozen=True)
class Place:
    """One tenant's chat threads or memory: a SQLite file (`path`), or a schema of a shared
    PostgreSQL database (`url`, `schema`)."""

    path: Path | None = None
    url: str | None = None
    schema: str | None = None

    @property
    def shared(self) -> bool:
        return self.url is not None


def chat_db(coach: CoachContext) -> Path:
    """Conversations live next to long-term memory (`COACH_MEMORY`'s folder), else in the state
    folder (agent.resources.state_dir)."""
    from agent.settings import DEFAULT_MEMORY

    folder = (coach.memory or DEFAULT_MEMORY).parent
    return folder / CHAT_DB_NAME


def _database(coach: CoachContext) -> Place | None:
    if coach.database_url is None:
        return None
    from agent.stores.postgres import schema_for

    return Place(url=coach.database_url, schema=schema_for(coach.tenant))


def chat_place(coach: CoachContext) -> Place:
    return _database(coach) or Place(path=chat_db(coach))


def memory_place(coach: CoachContext) -> Place | None:
    """None when memory is switched off (COACH_MEMORY empty), with a database too."""
    if coach.memory is None:
        return None
    return _database(coach) or Place(path=coach.memory)


def store_at(place: Place) -> BaseStore:
    """The long-term memory store of a place, one per place and process."""
    if place.url is not None:
        from agent.stores.postgres import open_store

        return open_store(place.url, str(place.schema))
    from agent.memory import open_store as open_sqlite_store

    assert place.path is not None
    return open_sqlite_store(place.path)


def saver_at(place: Place) -> BaseCheckpointSaver[Any]:
    """The chat checkpointer of a place: a new SQLite connection per call (closed with
    `close_saver`), or the process's one PostgresSaver over its pool."""
    if place.url is not None:
        from agent.stores.postgres import open_saver

        return open_saver(place.url, str(place.schema))
    from agent.stores.sqlite import open_checkpointer

    assert place.path is not None
    return open_checkpointer(place.path)


def close_saver(saver: BaseCheckpointSaver[Any]) -> None:
    """A SQLite connection closes; a PostgreSQL pool stays for the rest of the process."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    if isinstance(saver, SqliteSaver):
        saver.conn.close()


def ping(saver: BaseCheckpointSaver[Any]) -> None:
    """Raises when the saver's database does not answer (a server's readiness probe)."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    if isinstance(saver, SqliteSaver):
        saver.conn.execute("select 1").fetchone()
        return
    from agent.stores.postgres import ping_saver

    ping_saver(saver)


def turn_lock(saver: BaseCheckpointSaver[Any], thread: str, timeout: float) -> Any:
    """One turn at a time per thread, across processes (and machines, with a database): a turn
    reads the thread's last checkpoint and writes the next one, so two turns at once would each
    build on the same checkpoint and one would be lost. SQLite: a lock file beside the
    checkpoint file; PostgreSQL: an advisory lock held by one pooled connection."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    if isinstance(saver, SqliteSaver):
        from agent.stores.sqlite import sqlite_turn_lock

        return sqlite_turn_lock(saver, thread, timeout)
    from agent.stores.postgres import advisory_turn_lock

    return advisory_turn_lock(saver, thread, timeout)
