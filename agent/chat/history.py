"""A chat thread keeps its last few turns word for word and a short summary of the rest.

Every turn's checkpoint holds the thread's state; with the whole history in it, a thread's
storage grew with the square of its length and each turn read and wrote more than the last.
Past the window (`COACH_CHAT_WINDOW` turns, agent/settings.py) the oldest turns leave the
messages and are folded into `summary`: the earlier questions, clipped, newest kept, written
the same way every time with no model, so a turn costs the same at turn 100 as at turn 1.
What the thread focuses on (the deal, the rep, the last capability) is state of its own and
is never folded away.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, RemoveMessage

SUMMARY_QUESTIONS = 8  # earlier questions the summary names, newest kept
QUESTION_CHARS = 120


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUESTION_CHARS else flat[: QUESTION_CHARS - 1] + "…"


def summarise(earlier: int, questions: Sequence[str]) -> str:
    """What a reader (or the chat model) needs of the folded turns: how many, and the most
    recent of their questions."""
    kept = [_clip(q) for q in questions[-SUMMARY_QUESTIONS:]]
    lines = [f"Earlier in this conversation: {earlier} turns, summarised."]
    if kept:
        lines.append("Their last questions, oldest first:")
        lines += [f"- {q}" for q in kept]
    return "\n".join(lines)


def fold(state: dict[str, Any], window: int) -> dict[str, Any]:
    """The state update that folds every turn before the last `window` (counting the one just
    asked) into the summary; nothing when the thread is within the window."""
    messages: list[BaseMessage] = list(state.get("messages", []))
    starts = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
    if len(starts) <= window:
        return {}
    old = messages[: starts[-window]]
    asked = [m.text for m in old if isinstance(m, HumanMessage)]
    earlier = int(state.get("earlier_turns") or 0) + len(asked)
    questions = [*state.get("earlier_questions", []), *(_clip(q) for q in asked)]
    return {
        "messages": [RemoveMessage(id=m.id) for m in old if m.id is not None],
        "earlier_turns": earlier,
        "earlier_questions": questions[-SUMMARY_QUESTIONS:],
        "summary": summarise(earlier, questions),
    }
