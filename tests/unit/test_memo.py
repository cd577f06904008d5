"""agent/memo.py: a result is reused only for the same live object and key."""

from __future__ import annotations

import gc

from agent.memo import PerObject


class Thing:
    pass


def test_same_object_and_key_is_computed_once() -> None:
    memo: PerObject[int] = PerObject()
    calls: list[int] = []
    thing = Thing()
    for _ in range(3):
        assert memo.get(thing, "k", lambda: calls.append(1) or len(calls)) == 1
    assert memo.get(thing, "other", lambda: calls.append(1) or len(calls)) == 2
    assert memo.get(Thing(), "k", lambda: calls.append(1) or len(calls)) == 3


def test_an_entry_goes_with_its_object() -> None:
    memo: PerObject[str] = PerObject()
    thing = Thing()
    memo.get(thing, None, lambda: "old")
    del thing
    gc.collect()
    assert memo._items == {}


def test_objects_without_weak_references_are_not_kept() -> None:
    memo: PerObject[int] = PerObject()
    calls: list[int] = []
    for _ in range(2):
        memo.get(42, None, lambda: calls.append(1) or 1)
    assert len(calls) == 2


def test_the_memo_is_bounded() -> None:
    memo: PerObject[int] = PerObject(maxsize=2)
    things = [Thing() for _ in range(5)]
    for t in things:
        memo.get(t, None, lambda: 1)
    assert len(memo._items) == 2


def test_a_value_whose_drop_finalises_another_key_does_not_deadlock() -> None:
    """An evicted value can hold the last reference to another key of the same memo (an
    analysis holds its reading): its drop must not wait for the lock the eviction holds."""
    import threading

    memo: PerObject[object] = PerObject(maxsize=2)
    a, b = Thing(), Thing()
    memo.get(a, None, [b].copy)  # a's value keeps b alive
    memo.get(b, None, "b".strip)
    b_id = id(b)
    del b
    done = threading.Event()

    def evict() -> None:
        memo.get(Thing(), None, lambda: "c")  # evicts a's entry, so b dies
        memo.get(a, "again", lambda: "a")
        done.set()

    worker = threading.Thread(target=evict, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert done.is_set(), "the memo deadlocked"
    assert all(slot[0] != b_id for slot in memo._items)
