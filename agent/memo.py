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
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

V = TypeVar("V")


class PerObject(Generic[V]):
    """A bounded memo of f(obj, *key) keyed by (id(obj), key), dropped when obj dies."""

    def __init__(self, maxsize: int = 128) -> None:
        self._items: OrderedDict[tuple[int, Hashable], V] = OrderedDict()
        self._maxsize = maxsize
        self._lock = threading.Lock()

    def get(self, obj: object, key: Hashable, compute: Callable[[], V]) -> V:
        slot = (id(obj), key)
        with self._lock:
            if slot in self._items:
                self._items.move_to_end(slot)
                return self._items[slot]
        value = compute()
        try:
            weakref.finalize(obj, self._drop, id(obj))
        except TypeError:  # not weak-referenceable: nothing tells us when the id is reused
            return value
        with self._lock:
            self._items[slot] = value
            while len(self._items) > self._maxsize:
                self._items.popitem(last=False)
        return value

    def _drop(self, ident: int) -> None:
        with self._lock:
            for slot in [s for s in self._items if s[0] == ident]:
                del self._items[slot]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def content_of(model: BaseModel) -> str:
    """A model's JSON, kept per object: what is kept per content (a draft's walk for the
    grounding check, whether the sanitiser leaves it as it is) looks a result up by it, and
    compose, check and the envelope read the same result object."""
    return _CONTENT.get(model, None, model.model_dump_json)


_CONTENT: PerObject[str] = PerObject(maxsize=32)
