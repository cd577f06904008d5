"""Results kept per input object, for as long as that object lives.

A workspace source hands out the same `DealContext` object while the deal's files are unchanged
(tools/sources.py caches it by the files' stamps), so what is computed from the context alone
(its reading, the words and numbers it grounds) need not be computed again on the next request
about the same deal. Keyed by identity and a small hashable extra key; an entry goes when its
object is garbage-collected, so a changed file (a new object) is never answered from the old one.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

V = TypeVar("V")


class PerObject(Generic[V]):
    """A bounded memo of f(obj, *key) keyed by (id(obj), key), dropped when obj dies.

    An entry's value may hold objects that are keys elsewhere (an analysis holds its reading),
    so dropping one can finalise another object, whose own drop then runs right there, in the
    same thread, maybe while this memo's lock is held (the collector runs finalizers at any
    allocation). So a drop never waits for the lock: it notes the dead id, and the next `get`
    (or the drop itself, when the lock is free) forgets its entries; values leave the memo
    after the lock is released. A dead object's id is noted before it can be reused, and every
    `get` forgets the noted ids before it looks up, so no entry outlives its object."""

    def __init__(self, maxsize: int = 128) -> None:
        self._items: OrderedDict[tuple[int, Hashable], V] = OrderedDict()
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self._dead: deque[int] = deque()

    def get(self, obj: object, key: Hashable, compute: Callable[[], V]) -> V:
        slot = (id(obj), key)
        with self._lock:
            garbage = self._forget_dead()
            if slot in self._items:
                self._items.move_to_end(slot)
                return self._items[slot]
        del garbage  # values dropped outside the lock: their finalizers may call _drop
        value = compute()
        try:
            weakref.finalize(obj, self._drop, id(obj))
        except TypeError:  # not weak-referenceable: nothing tells us when the id is reused
            return value
        with self._lock:
            garbage = self._forget_dead()
            garbage.append(self._items.pop(slot, None))
            self._items[slot] = value
            while len(self._items) > self._maxsize:
                garbage.append(self._items.popitem(last=False)[1])
        del garbage
        return value

    def _forget_dead(self) -> list[object]:
        """Under the lock: the entries of the objects that died, removed and returned."""
        garbage: list[object] = []
        while self._dead:
            ident = self._dead.popleft()
            garbage += [self._items.pop(s) for s in [s for s in self._items if s[0] == ident]]
        return garbage

    def _drop(self, ident: int) -> None:
        self._dead.append(ident)
        if self._lock.acquire(blocking=False):
            try:
                garbage = self._forget_dead()
            finally:
                self._lock.release()
            del garbage

    def clear(self) -> None:
        with self._lock:
            garbage = list(self._items.values())
            self._items.clear()
        del garbage


def content_of(model: BaseModel) -> str:
    """A model's JSON, kept per object: what is kept per content (a draft's walk for the
    grounding check, whether the sanitiser leaves it as it is) looks a result up by it, and
    compose, check and the envelope read the same result object."""
    return _CONTENT.get(model, None, model.model_dump_json)


_CONTENT: PerObject[str] = PerObject(maxsize=32)
