"""Concurrent writers and kill -9, with real processes (a sample of evals/bench_faults.py,
which runs the long version): nothing lost, nothing twice, nothing corrupt."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import InvalidInput
from evals.bench_faults import (
    _chat_session,
    apply_race,
    chat_race,
    kill_apply,
    kill_chat,
    memory_race,
)


def test_four_processes_applying_different_calls_to_one_deal_lose_none() -> None:
    o = apply_race(workers=4, runs=1)
    assert (o.lost, o.twice, o.crashed, o.corrupt) == (0, 0, 0, 0), o


def test_six_processes_creating_one_memory_file_all_succeed() -> None:
    o = memory_race(workers=6, runs=1)
    assert (o.lost, o.crashed) == (0, 0), o


def test_turns_from_several_processes_on_one_thread_are_all_kept() -> None:
    o = chat_race(workers=2, turns=1, runs=1)
    assert (o.lost, o.crashed) == (0, 0), o


def test_kill_9_during_apply_leaves_all_or_none_of_the_patch() -> None:
    o = kill_apply(runs=3)
    assert (o.lost, o.corrupt) == (0, 0), o


def test_kill_9_during_chat_turns_keeps_the_finished_turns_and_the_thread_usable() -> None:
    o = kill_chat(runs=1)
    assert (o.lost, o.twice, o.corrupt) == (0, 0, 0), o


def test_a_turn_waits_for_its_thread_and_says_so_when_it_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.chat import session

    chat = _chat_session(tmp_path / "chat.db")
    monkeypatch.setattr(session, "TURN_LOCK_TIMEOUT_S", 0.1)
    held = session.thread_lock(chat.checkpointer, chat.thread)  # another process's turn
    with held, pytest.raises(InvalidInput, match="still running"):
        list(chat.ask("What can you do?"))
    assert chat.turns() == 0
    assert list(chat.ask("What can you do?")) and chat.turns() == 1
