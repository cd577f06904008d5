"""The file that holds every value kept on disk for one deal version (agent/memo.py DiskHome):
one file, `<fingerprint>.kept`, instead of one file per value.

Why one file: on the machines this runs on, creating a file costs about 0.3 ms of system time,
opening one about a tenth of that, and a batch run keeps seven values per deal (its context,
reading, injection scan, grounds, analysis...). Written one by one they were most of what a
first run adds per deal, and read one by one a good part of what a second run pays.

Within `kept_together()` (a request: agent/service.py) a deal's file is read once and written
once, at the end, with every value the request kept; outside it, each value is written as it is
kept (tests and tools that load one deal see the file at once). The file is written atomically
(a reader sees the old file or the new one). Two processes keeping values of one deal at once
each write what they read plus what they kept: one's extra values may be lost, which only
means computing them again; the same inputs give the same bytes, so nothing wrong is kept.

The format is plain: a first line naming it, then per value a line `<name>\\t<length>` and the
value's bytes (its JSON) and a line break. A damaged or cut file keeps the values before the
damage; the rest are misses."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from agent.files import read_bytes, write_atomic

MAGIC = b"coach-kept 1\n"
SUFFIX = ".kept"


@dataclass
class _Bundle:
    entries: dict[str, bytes]
    dirty: bool = field(default=False)


# The deals' files read (and to be written) in the current block, by path.
_TOGETHER: ContextVar[dict[Path, _Bundle] | None] = ContextVar("kept_together", default=None)


@contextlib.contextmanager
def kept_together() -> Iterator[None]:
    """Each deal's file read at most once in the block, and written once at its end with what
    the block kept. A block inside another is part of it."""
    if _TOGETHER.get() is not None:
        yield
        return
    token = _TOGETHER.set({})
    try:
        yield
    finally:
        bundles = _TOGETHER.get() or {}
        _TOGETHER.reset(token)
        for path, bundle in bundles.items():
            if bundle.dirty:
                _write(path, bundle.entries)


def load(path: Path, name: str) -> bytes | None:
    """The bytes kept as `name` in the file at `path`, or None."""
    return _bundle(path).entries.get(name)


def save(path: Path, name: str, data: bytes) -> None:
    bundle = _bundle(path)
    bundle.entries[name] = data
    if _TOGETHER.get() is None:
        _write(path, bundle.entries)
    else:
        bundle.dirty = True


def read(path: Path) -> dict[str, bytes]:
    """Every value a file holds, by name (none when it is missing or not one of ours)."""
    try:
        data = read_bytes(path)
    except OSError:
        return {}
    return parse(data)


def parse(data: bytes) -> dict[str, bytes]:
    entries: dict[str, bytes] = {}
    if not data.startswith(MAGIC):
        return entries
    at, end = len(MAGIC), len(data)
    try:
        while at < end:
            line = data.index(b"\n", at)
            name, size = data[at:line].decode("utf-8").split("\t")
            start = line + 1
            stop = start + int(size)
            if data[stop : stop + 1] != b"\n":
                break  # cut short or damaged: what came before stands
            entries[name] = data[start:stop]
            at = stop + 1
    except ValueError:  # no line break, a bad header or length (UnicodeDecodeError included)
        pass
    return entries


def _bundle(path: Path) -> _Bundle:
    together = _TOGETHER.get()
    if together is None:
        return _Bundle(read(path))
    found = together.get(path)
    if found is None:
        found = together[path] = _Bundle(read(path))
    return found


def _write(path: Path, entries: dict[str, bytes]) -> None:
    """Atomically, without an fsync: it is a cache. A failure only means computing again."""
    parts = [MAGIC]
    for name, data in entries.items():
        parts += [f"{name}\t{len(data)}\n".encode(), data, b"\n"]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, b"".join(parts), sync=False)
    except OSError:
        pass
