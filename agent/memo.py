"""Results kept per input object, for as long as that object lives, and, for an object loaded
from a file version that a disk cache knows (tools/deal_cache.py), on disk beside it.

A workspace source hands out the same `DealContext` object while the deal's files are unchanged
(tools/sources.py caches it by the files' stamps), so what is computed from the context alone
(its reading, the words and numbers it grounds) need not be computed again on the next request
about the same deal. Keyed by identity and a small hashable extra key; an entry goes when its
object is garbage-collected, so a changed file (a new object) is never answered from the old one.

A memo made with `kept=NAME` also looks on disk when the object has a `DiskHome` (`home()`):
the folder and fingerprint of the exact inputs the object was built from. A batch run over a
workspace then reads an unchanged deal's reading back instead of reading its free text again,
in any later process. The extra key is part of the entry's name (its repr: keys are made of
dates, strings, numbers and tuples of them), and the value is written as JSON and validated
on the way back, so a damaged or foreign entry is a miss, never a wrong value. A deal
version's entries share one file (agent/kept_bundle.py).
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import TypeAdapter

from agent import kept_bundle

if TYPE_CHECKING:
    from pydantic import BaseModel

V = TypeVar("V")


class DiskHome:
    """Where values computed from one object are kept: entries named
    `<fingerprint>.<name>.<key>` in the file of the fingerprint's first part (the deal
    version's, agent/kept_bundle.py). The fingerprint covers everything the object was built
    from (the caller's promise)."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint

    @cached_property
    def file(self) -> Path:
        """The file holding this home's values, and every home's within it."""
        return self.folder / (self.fingerprint.split(".", 1)[0] + kept_bundle.SUFFIX)

    def entry(self, name: str, key: Hashable) -> str:
        return f"{self.fingerprint}.{name}.{_digest(key)}"

    def within(self, name: str, key: Hashable) -> DiskHome:
        """The home of the value kept as `name` and `key` here: its entries are named after
        this home's (so they share its fingerprint's first part, and its file)."""
        return DiskHome(self.folder, self.entry(name, key))

    def load(
        self, name: str, key: Hashable, adapter: TypeAdapter[V], context: Any = None
    ) -> V | None:
        """The kept value, or None when there is none (or it is damaged: then it is rebuilt).
        A kept value is never None itself. `context`: pydantic's validation context."""
        data = kept_bundle.load(self.file, self.entry(name, key))
        if data is None:
            return None
        try:
            return adapter.validate_json(data, context=context)
        except ValueError:  # pydantic's ValidationError is a ValueError
            return None

    def save(self, name: str, key: Hashable, adapter: TypeAdapter[V], value: V) -> None:
        """Kept in the file (agent/kept_bundle.py: at the end of the request, or at once)."""
        kept_bundle.save(self.file, self.entry(name, key), adapter.dump_json(value))


def _digest(key: Hashable) -> str:
    return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).hexdigest()


_HOMES: dict[int, DiskHome] = {}
_HOMES_LOCK = threading.RLock()  # re-entered when a finalizer runs while it is held


def home(obj: object, where: DiskHome) -> None:
    """Records that `obj` was built from exactly the inputs `where` fingerprints."""
    ident = id(obj)
    try:
        weakref.finalize(obj, _forget_home, ident, where)
    except TypeError:  # not weak-referenceable: its id could be reused by another object
        return
    with _HOMES_LOCK:
        _HOMES[ident] = where


def home_of(obj: object) -> DiskHome | None:
    with _HOMES_LOCK:
        return _HOMES.get(id(obj))


def _forget_home(ident: int, where: DiskHome) -> None:
    with _HOMES_LOCK:
        if _HOMES.get(ident) is where:
            del _HOMES[ident]


class PerObject(Generic[V]):
    """A bounded memo of f(obj, *key) keyed by (id(obj), key), dropped when obj dies; with
    `kept`, also kept on disk for objects that have a home (see the module docstring), as
    the type `kind` says (a pydantic model, dataclasses, tuples of them).

    An entry's value may hold objects that are keys elsewhere (an analysis holds its reading),
    so dropping one can finalise another object, whose own drop then runs right there, in the
    same thread, maybe while this memo's lock is held (the collector runs finalizers at any
    allocation). So a drop never waits for the lock: it notes the dead id, and the next `get`
    (or the drop itself, when the lock is free) forgets its entries; values leave the memo
    after the lock is released. A dead object's id is noted before it can be reused, and every
    `get` forgets the noted ids before it looks up, so no entry outlives its object."""

    def __init__(self, maxsize: int = 128, kept: str | None = None, kind: Any = None) -> None:
        self._items: OrderedDict[tuple[int, Hashable], V] = OrderedDict()
        self._keys: dict[int, set[Hashable]] = {}  # an object's id -> its keys in _items
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self._dead: deque[int] = deque()
        self._kept = kept
        self._kind = kind

    @cached_property
    def _adapter(self) -> TypeAdapter[V]:
        return TypeAdapter(self._kind)

    def get(self, obj: object, key: Hashable, compute: Callable[[], V]) -> V:
        slot = (id(obj), key)
        with self._lock:
            garbage = self._forget_dead()
            if slot in self._items:
                self._items.move_to_end(slot)
                return self._items[slot]
        del garbage  # values dropped outside the lock: their finalizers may call _drop
        value = self._from_home(obj, key, compute)
        try:
            weakref.finalize(obj, self._drop, id(obj))
        except TypeError:  # not weak-referenceable: nothing tells us when the id is reused
            return value
        with self._lock:
            garbage = self._forget_dead()
            garbage.append(self._items.pop(slot, None))
            self._items[slot] = value
            self._keys.setdefault(slot[0], set()).add(key)
            while len(self._items) > self._maxsize:
                (ident, old), dropped = self._items.popitem(last=False)
                garbage.append(dropped)
                keys = self._keys.get(ident)
                if keys is not None:
                    keys.discard(old)
                    if not keys:
                        del self._keys[ident]
        del garbage
        return value

    def _from_home(self, obj: object, key: Hashable, compute: Callable[[], V]) -> V:
        where = home_of(obj) if self._kept is not None else None
        if where is None or self._kept is None:
            return compute()
        value = where.load(self._kept, key, self._adapter)
        if value is None:
            value = compute()
            where.save(self._kept, key, self._adapter, value)
        # What is computed from an object with a home was built from the same inputs (and the
        # key): it gets a home of its own, so what is computed from it in turn (a reading's
        # grounds) can be kept too.
        if home_of(value) is None:
            home(value, where.within(self._kept, key))
        return value

    def _forget_dead(self) -> list[object]:
        """Under the lock: the entries of the objects that died, removed and returned."""
        garbage: list[object] = []
        while self._dead:
            ident = self._dead.popleft()
            garbage += [self._items.pop((ident, k)) for k in self._keys.pop(ident, ())]
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
            self._keys.clear()
        del garbage


K = TypeVar("K", bound=Hashable)


class Recent(Generic[K, V]):
    """A bounded memo of values by a hashable key, the least recently used dropped first: for
    what is keyed by its content (a text and what reading it depends on), not by an object,
    or by a name whose kept value the caller checks before it uses it (`peek`, `put`: a
    deal's context and its files' stamps, tools/sources.py)."""

    def __init__(self, maxsize: int) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._maxsize = maxsize
        self._lock = threading.Lock()

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The value kept for `key`, else `compute()`'s, kept (a None is computed again)."""
        value = self.peek(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def peek(self, key: K) -> V | None:
        """The value kept for `key` (now the most recent), or None: for a caller that checks
        a kept value (its files' stamps) before using it."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            if len(self._items) > self._maxsize:
                self._items.popitem(last=False)

    def discard(self, key: K) -> None:
        with self._lock:
            self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Held(Generic[V]):
    """A memo of values per object that cannot be weakly referenced (a dict of loaded
    documents, read and never changed): keyed by the objects' ids, each held with its value,
    so no id is reused while its entry is kept; at most `maxsize` entries, cleared when full."""

    def __init__(self, maxsize: int) -> None:
        self._items: dict[tuple[int, ...], tuple[tuple[object, ...], V]] = {}
        self._maxsize = maxsize

    def get(self, objs: tuple[object, ...], compute: Callable[[], V]) -> V:
        key = tuple(map(id, objs))
        kept = self._items.get(key)
        if kept is not None and all(a is b for a, b in zip(kept[0], objs, strict=True)):
            return kept[1]
        value = compute()
        if len(self._items) >= self._maxsize:
            self._items.clear()
        self._items[key] = (objs, value)
        return value


def content_of(model: BaseModel) -> str:
    """A model's JSON, kept per object: what is kept per content (a draft's walk for the
    grounding check, whether the sanitiser leaves it as it is) looks a result up by it, and
    compose, check and the envelope read the same result object."""
    return _CONTENT.get(model, None, model.model_dump_json)


_CONTENT: PerObject[str] = PerObject(maxsize=32)
