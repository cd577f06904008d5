"""Chat retention: threads idle longer than COACH_CHAT_RETENTION_DAYS are deleted (LangGraph's
`delete_thread`), when a chat starts and by `coach chat --prune`, in SQLite and PostgreSQL.

A thread's age is its newest checkpoint's id: LangGraph's checkpoint ids are UUIDv6, whose
leading digits are the time it was written, so "idle since" is one grouped query on the
`checkpoints` table both backends share, with no checkpoint read. A thread whose turn is
running (its turn lock is held) is left for the next prune, and one that got a turn since the
query is kept.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from filelock import Timeout

from agent.stores import Place, saver_at, turn_lock

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver

_UUID_EPOCH = 0x01B21DD213814000  # 100-ns intervals from 1582-10-15 to 1970-01-01
IDLE_SQL = "SELECT thread_id FROM checkpoints GROUP BY thread_id HAVING MAX(checkpoint_id) < {}"


def id_at(moment: dt.datetime) -> str:
    """The smallest UUIDv6 of that moment: every checkpoint written before it sorts lower."""
    since = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    ticks = since // dt.timedelta(microseconds=1) * 10 + _UUID_EPOCH
    value = ((ticks >> 12) & 0xFFFF_FFFF_FFFF) << 80 | 6 << 76 | (ticks & 0x0FFF) << 64 | 2 << 62
    return str(uuid.UUID(int=value))


def idle_threads(saver: BaseCheckpointSaver[Any], before: str) -> list[str]:
    """Threads whose newest checkpoint id sorts before `before`."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    if isinstance(saver, SqliteSaver):
        with saver.cursor(transaction=False) as cur:
            rows = cur.execute(IDLE_SQL.format("?"), (before,)).fetchall()
        return sorted(str(r[0]) for r in rows)
    pool: Any = getattr(saver, "conn", None)
    with pool.connection() as conn:
        found = conn.execute(IDLE_SQL.format("%s"), (before,)).fetchall()
    return sorted(str(r["thread_id"]) for r in found)


def prune(
    saver: BaseCheckpointSaver[Any], days: float, now: dt.datetime | None = None
) -> list[str]:
    """Deletes the threads idle for more than `days` (0: none) and returns their ids."""
    if days <= 0:
        return []
    moment = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
    before = id_at(moment)
    deleted = []
    for thread in idle_threads(saver, before):
        try:
            lock = turn_lock(saver, thread, 0.0).acquire(timeout=0)
        except Timeout:
            continue  # a turn is running on it right now: it is not idle
        with lock:
            newest = saver.get_tuple({"configurable": {"thread_id": thread, "checkpoint_ns": ""}})
            if newest is not None and newest.config["configurable"]["checkpoint_id"] >= before:
                continue  # a turn ended between the query and the lock
            saver.delete_thread(thread)
            deleted.append(thread)
    return deleted


def prune_place(place: Place, days: float, now: dt.datetime | None = None) -> list[str]:
    """`prune` on a place's checkpointer (opened and, for SQLite, closed again)."""
    from agent.stores import close_saver

    saver = saver_at(place)
    try:
        return prune(saver, days, now)
    finally:
        if not place.shared:
            close_saver(saver)
