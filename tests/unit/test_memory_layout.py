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


def test_an_id_with_a_period_has_a_history_of_its_own(tmp_path: Path) -> None:
    """A rep id or tenant with a period (LangGraph's separator) was refused by the store, and
    every answer that remembered its advice failed; now it is a label of its own, and ids that
    could spell one another's encoding never share one."""
    import datetime as dt

    from agent.capabilities.common.coaching_history import recall, remember
    from agent.contracts.rep import CoachingRecord

    store = open_store(tmp_path / "memory.sqlite")
    as_of = dt.date(2026, 11, 20)
    for rep, deal in (("jane.doe", "D-1"), ("jane%2Edoe", "D-2"), ("jane", "D-3")):
        record = CoachingRecord(
            rep_id=rep,
            deal_id=deal,
            capability="next_best_action",
            as_of=as_of,
            stage="Discovery",
            title="Meet the buyer",
        )
        remember(store, record, "acme.example")
    for rep, deal in (("jane.doe", "D-1"), ("jane%2Edoe", "D-2"), ("jane", "D-3")):
        assert [r.deal_id for r in recall(store, rep, as_of, "acme.example")] == [deal]
    assert coaching_namespace("rep-priya", LOCAL_TENANT) == ("coaching", "local", "rep-priya")
