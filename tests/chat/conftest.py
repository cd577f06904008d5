from __future__ import annotations

from pathlib import Path

import pytest

from agent.chat.context import ChatContext
from agent.chat.session import ChatSession, open_checkpointer
from agent.settings import CoachContext


@pytest.fixture
def chat_db(tmp_path: Path) -> Path:
    return tmp_path / "chat.sqlite"


def session(
    db: Path, context: ChatContext | None = None, deal_id: str | None = None
) -> ChatSession:
    ctx = context or ChatContext(coach=CoachContext.from_env())
    return ChatSession(ctx, open_checkpointer(db), deal_id=deal_id, rep_id="rep-priya")


def answer(chat: ChatSession, message: str) -> tuple[str, list[str]]:
    """The turn's text (answers and tokens joined) and its warnings."""
    events = list(chat.ask(message))
    text = "".join(e.text for e in events if e.kind in ("answer", "token"))
    return text, [e.text for e in events if e.kind == "warning"]
