"""Coaching history written before memory had tenants is still read after the move."""

from __future__ import annotations

from pathlib import Path

from langgraph.store.sqlite import SqliteStore

from agent.memory import LOCAL_TENANT, coaching_namespace, open_store, sqlite_connection


def test_untenanted_history_moves_to_the_local_tenant(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    old = SqliteStore(sqlite_connection(path))
    old.setup()
    old.put(("coaching", "rep-priya"), "D-1003:next_best_action:2026-02-01", {"n": 1})
    old.put(("coaching", "rep-tom"), "D-1005:next_best_action:2026-02-03", {"n": 2})
    store = open_store(path)
    moved = store.search(coaching_namespace("rep-priya", LOCAL_TENANT))
    assert [(i.key, i.value) for i in moved] == [("D-1003:next_best_action:2026-02-01", {"n": 1})]
    assert store.search(coaching_namespace("rep-tom", LOCAL_TENANT))[0].value == {"n": 2}
    assert all(len(ns) == 3 for ns in store.list_namespaces(prefix=("coaching",)))
