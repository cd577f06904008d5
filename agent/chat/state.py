"""Chat state: the conversation (LangGraph's MessagesState) plus what the thread remembers
across turns (the deal and rep in focus, the last capability used) and what one turn reports."""

from __future__ import annotations

from typing import Any

from langgraph.graph import MessagesState


class ChatState(MessagesState, total=False):
    deal_id: str | None
    rep_id: str | None
    last_capability: str | None
    # The full report behind the last short answer: "more on 2", "show the sources" open it.
    last_report: str | None
    # What the last answer showed (agent.chat.more.Shown, JSON-native): "step 2", "the second
    # one" and "why?" point at it.
    last_shown: dict[str, Any] | None
    # Turns folded out of `messages` past the window (agent/chat/history.py).
    summary: str | None
    earlier_turns: int
    earlier_questions: list[str]
    # Per turn, reset when a turn starts.
    intent: (
        dict[str, Any] | None
    )  # an agent.routing.intent.Intent, kept JSON-native for checkpoints
    steps: int
    warning: str | None
