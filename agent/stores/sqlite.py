"""The SQLite backend of chat threads: LangGraph's SqliteSaver on a WAL file, and the lock file
that lets one turn at a time run on a thread (long-term memory's file: agent/memory.py)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from filelock import FileLock
from langgraph.checkpoint.sqlite import SqliteSaver

from agent.files import lock_for
from agent.memory import sqlite_connection


def open_checkpointer(path: Path) -> SqliteSaver:
    """WAL and a busy timeout, so two terminals (or a CLI and a server) share the file; the
    tables are created under the file's lock, so processes opening a new file at once do not
    collide."""
    with lock_for(path):
        saver = SqliteSaver(sqlite_connection(path))
        saver.setup()
    return saver


def sqlite_turn_lock(saver: SqliteSaver, thread: str, timeout: float) -> FileLock:
    """The lock file sits beside the checkpoint file, one per thread."""
    row = saver.conn.execute("PRAGMA database_list").fetchone()
    db = Path(row[2]) if row and row[2] else Path(tempfile.gettempdir()) / "coach-chat.db"
    key = hashlib.sha256(thread.encode("utf-8")).hexdigest()[:24]
    return lock_for(db.parent / f"{db.name}.threads" / key, timeout=timeout)
