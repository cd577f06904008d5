"""A chat thread stays light: one checkpoint per turn, the turns past the window folded into a
summary, so what a turn stores does not grow with the thread and no turn is miscounted."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from agent.chat.context import ChatContext
from agent.chat.history import SUMMARY_QUESTIONS, fold, summarise
from agent.errors import InvalidInput
from agent.settings import CoachContext
from tests.chat.conftest import answer, session

WINDOW = 3


def _stored(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db)
    size, count = con.execute(
        "SELECT sum(length(checkpoint) + length(metadata)), count(*) FROM checkpoints"
    ).fetchone()
    writes = con.execute("SELECT coalesce(sum(length(value)), 0) FROM writes").fetchone()[0]
    con.close()
    return int(size) + int(writes), int(count)


def test_storage_grows_linearly_one_checkpoint_per_turn(chat_db: Path) -> None:
    ctx = ChatContext(coach=replace(CoachContext.from_env(), chat_window=WINDOW))
    chat = session(chat_db, ctx, deal_id="D-1003")
    stored: list[int] = []
    for turn in range(1, 13):
        text, _ = answer(chat, f"what can you do? ({turn})")
        assert text
        size, checkpoints = _stored(chat_db)
        assert checkpoints == turn  # one checkpoint per turn, not one per step
        stored.append(size)
    # Past the window each turn adds about the same bytes: the quarter-to-quarter growth of
    # the stored total stays flat (quadratic growth would double it).
    early = stored[7] - stored[4]
    late = stored[11] - stored[8]
    assert late < 1.3 * early, stored
    values = chat.values
    assert sum(type(m).__name__ == "HumanMessage" for m in values["messages"]) == WINDOW
    assert chat.turns() == 12 and values["earlier_turns"] == 12 - WINDOW
    assert "(9)" in values["summary"] and "(10)" not in values["summary"]
    assert values["deal_id"] == "D-1003"  # the focus is state, never folded away


def test_fold_keeps_the_window_and_bounds_the_summary() -> None:
    from langchain_core.messages import AIMessage, HumanMessage

    messages = []
    for n in range(30):
        messages += [HumanMessage(f"q{n} " + "word " * 50, id=f"h{n}"), AIMessage("a", id=f"a{n}")]
    update = fold({"messages": messages}, 5)
    removed = {m.id for m in update["messages"]}
    assert removed == {f"h{n}" for n in range(25)} | {f"a{n}" for n in range(25)}
    assert update["earlier_turns"] == 25
    assert len(update["earlier_questions"]) == SUMMARY_QUESTIONS
    assert update["summary"].count("\n- ") == SUMMARY_QUESTIONS and "q24" in update["summary"]
    assert len(update["summary"]) < 200 * SUMMARY_QUESTIONS
    assert fold({"messages": messages[:10]}, 5) == {}
    assert summarise(3, []) == summarise(3, [])  # the same every time: no model, no clock


def test_chat_window_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_CHAT_WINDOW", "7")
    assert CoachContext.from_env().chat_window == 7
    monkeypatch.setenv("COACH_CHAT_WINDOW", "none")
    with pytest.raises(InvalidInput, match="COACH_CHAT_WINDOW"):
        CoachContext.from_env()
