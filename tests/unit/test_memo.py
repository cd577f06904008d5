"""agent/memo.py: a result is reused only for the same live object and key."""

from __future__ import annotations

import gc
from pathlib import Path

from agent import kept_bundle
from agent.memo import DiskHome, PerObject, home


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


def test_evicted_and_dead_entries_leave_the_index_of_keys() -> None:
    """An object's keys are indexed so its death forgets them without scanning the memo."""
    memo: PerObject[int] = PerObject(maxsize=3)
    things = [Thing() for _ in range(4)]
    for t in things:
        memo.get(t, "a", lambda: 1)
    del t
    assert id(things[0]) not in memo._keys  # evicted
    memo.get(things[3], "b", lambda: 2)
    assert memo._keys[id(things[3])] == {"a", "b"}
    del things[3]
    gc.collect()
    memo.get(things[1], "a", lambda: 1)  # forgets the dead before it looks up
    assert len(memo._items) == 2 and set(memo._keys) == {id(things[1]), id(things[2])}


def test_what_is_computed_from_a_kept_object_is_kept_in_a_home_of_its_own(tmp_path: Path) -> None:
    """A value kept on disk for an object with a home gets a home too (named after it), so a
    memo of that value is kept on disk as well, and a later process reads both back."""
    from pydantic import BaseModel

    class Box(BaseModel):
        text: str

    outer: PerObject[Box] = PerObject(kept="box", kind=Box)
    inner: PerObject[int] = PerObject(kept="size", kind=int)
    calls: list[str] = []

    def run() -> tuple[Box, int]:
        thing = Thing()
        home(thing, DiskHome(tmp_path, "f1"))
        box = outer.get(thing, "k", lambda: calls.append("box") or Box(text="abc"))
        return box, inner.get(box, None, lambda: calls.append("size") or len(box.text))

    first = run()
    assert calls == ["box", "size"] and first[1] == 3
    (kept,) = tmp_path.iterdir()  # one file for everything kept from f1's object
    assert kept.name == "f1.kept"
    assert sorted(n.split(".")[-2] for n in kept_bundle.read(kept)) == ["box", "size"]
    outer.clear()
    inner.clear()
    again = run()  # new objects: both read back from disk, nothing computed
    assert calls == ["box", "size"] and again[1] == 3 and again[0] == first[0]
