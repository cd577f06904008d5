"""Chat retention on PostgreSQL: the same checks as on SQLite (tests/unit/test_chat_retention)."""

from __future__ import annotations

from agent.settings import CoachContext
from agent.stores import chat_place, saver_at
from tests.unit.test_chat_retention import check_retention


def test_idle_threads_go_on_postgres(pg_url: str) -> None:
    place = chat_place(CoachContext.from_env())
    assert place.url == pg_url
    check_retention(saver_at(place))
