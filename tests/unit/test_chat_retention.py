"""Chat retention (agent/stores/retention.py): threads idle past COACH_CHAT_RETENTION_DAYS are
deleted, a thread whose turn is running is not. `check_retention` runs on any checkpointer:
here on SQLite, in tests/pg on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.base.id import uuid6
from typer.testing import CliRunner

from agent.chat.context import ChatContext
from agent.chat.session import ChatSession
from agent.interfaces.cli.app import app
from agent.settings import CoachContext
from agent.stores import Place, saver_at, turn_lock
from agent.stores.retention import id_at, prune


def check_retention(saver: Any) -> None:
    ctx = CoachContext.from_env()

    def chat(name: str) -> ChatSession:
        return ChatSession(ChatContext(coach=ctx), saver, thread=name)

    for name in ("old", "busy"):
        list(chat(name).ask(f"what can you do? ({name})"))
    between = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    list(chat("new").ask("what can you do? (new)"))
    later = between + dt.timedelta(days=30)

    assert prune(saver, 0, later) == []  # 0 keeps every thread
    assert prune(saver, 31, later) == []  # none idle that long
    held = turn_lock(saver, chat("busy").thread, 0).acquire(timeout=0)  # a turn is running
    with held:
        assert prune(saver, 30, later) == [chat("old").thread]
    assert chat("old").values == {}
    assert chat("busy").values and chat("new").values
    assert prune(saver, 30, later) == [chat("busy").thread]  # its turn has ended
    assert chat("new").turns() == 1


def test_idle_threads_go_on_sqlite(tmp_path: Path) -> None:
    check_retention(saver_at(Place(path=tmp_path / "chat.sqlite")))


def test_the_cutoff_id_sorts_between_the_checkpoints_written_before_and_after() -> None:
    before = str(uuid6(clock_seq=16383))
    moment = dt.datetime.now(dt.UTC)
    time.sleep(0.002)
    after = str(uuid6(clock_seq=0))
    assert before < id_at(moment) < after


def test_coach_chat_prune(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["chat", "-d", "D-1003", "--once", "what can you do?"]).exit_code == 0
    kept = runner.invoke(app, ["chat", "--prune"])
    assert kept.exit_code == 0 and "pruned 0 chat threads (idle over 90 days)" in kept.output
    time.sleep(0.2)
    monkeypatch.setenv("COACH_CHAT_RETENTION_DAYS", "0.000001")  # 86 ms
    gone = runner.invoke(app, ["chat", "--prune"])
    assert gone.exit_code == 0 and "pruned 1 chat threads" in gone.output
    monkeypatch.setenv("COACH_CHAT_RETENTION_DAYS", "a month")
    wrong = runner.invoke(app, ["chat", "--prune"])
    assert wrong.exit_code == 2 and "COACH_CHAT_RETENTION_DAYS" in wrong.output
