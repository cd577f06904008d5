"""Regular expressions compiled by the CLI's start-up imports, kept between processes.

Why: the modules `coach next-action` imports compile about 450 patterns as they load (the
reading rules, the injection checks, urllib3's, typer's, yaml's...), about 90 ms of CPU at
every start, and the same ones every time: they are constants of the source. Most of that time is
Python's parser and `re`'s compiler turning the pattern into the regex engine's code, a list of
integers. That list is kept here, per pattern and flags, in the user's cache folder; a later
start hands it straight to the engine (`_sre.compile`, as `re` itself does last), which is about
seven times cheaper than parsing again, reading the file included (13 ms for those 450).

The result is the same object `re` would build: a pattern is kept only once a compiled copy made
from the kept code compares equal to the one `re` built (`re.Pattern` equality compares the
engine's code, the flags and the source) with the same groups. The file is named after the
Python build and `re`'s compiler (`_fingerprint`), so another interpreter or a changed `re` reads
its own file. Only what the start-up imports compile is kept (`kept_while`): module constants, not
patterns built from a deal's text at run time, which neither repeat nor belong in a cache.
An unreadable file is a cold start, never an error; deleting it only makes the next start slower.
"""

from __future__ import annotations

import _sre
import marshal
import re
import sys
import zlib
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# re's own modules: `re._compile` calls `_compiler.compile`, which parses with `_parser`
_compiler: Any = sys.modules["re._compiler"]
_parser: Any = sys.modules["re._parser"]

FOLDER = "regex"
FORMAT = "2"  # of an entry (below): another format is another file
# Patterns per file, the least recently used dropped first: every command's start-up imports
# together compile about a thousand. A few patterns differ from process to process (tokenize's
# is built from a set of string prefixes, in hash order) and come back every time; the bound
# keeps those from growing the file.
MAX_KEPT = 3_000
Key = tuple[str | bytes, int]
# flags, the engine's code (its integers as bytes: the file reads and writes at memory speed),
# groups, group names to numbers and back
Entry = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]
CODE = "I" if array("I").itemsize == _sre.CODESIZE else "L"


def _fingerprint() -> str:
    """The interpreter and `re`'s compiler: kept code is only valid for the same pair."""
    parts = [FORMAT, sys.version, str(_sre.MAGIC), str(_sre.CODESIZE)]
    code = b"".join(f.__code__.co_code for f in (_KEPT.original, _compiler._code))
    digest = zlib.crc32(code, zlib.crc32("|".join(parts).encode()))
    return f"{sys.implementation.cache_tag}-{digest:08x}"


class _Kept:
    """The kept patterns of this interpreter, read once; what this process added to them."""

    def __init__(self) -> None:
        self.entries: dict[Key, Entry] | None = None
        self.added = 0  # kept since the file was last written
        self.hits = self.misses = 0  # this process's, for tests and benchmarks
        self.path: Path | None = None
        self.original = _compiler.compile
        self.depth = 0

    def load(self) -> dict[Key, Entry]:
        if self.entries is None:
            from agent.resources import cache_dir

            self.path = cache_dir() / FOLDER / f"{_fingerprint()}.marshal"
            self.entries = {}
            try:
                data = marshal.loads(self.path.read_bytes())
                if isinstance(data, dict):
                    self.entries = data
            except (OSError, ValueError, EOFError, TypeError):
                pass  # none kept yet, or damaged: compiled as ever, and kept anew
        return self.entries

    def compile(self, pattern: Any, flags: int = 0) -> Any:
        """`re._compiler.compile`, from the kept code when there is some."""
        if not isinstance(pattern, str | bytes) or flags & re.DEBUG:
            return self.original(pattern, flags)
        entries = self.load()
        key = (pattern, int(flags))
        entry = entries.pop(key, None)
        if entry is not None:
            try:
                compiled = _made(pattern, entry)
            except (TypeError, ValueError, RuntimeError, OverflowError):
                pass  # not this engine's code after all: compiled as ever, kept anew
            else:
                entries[key] = entry  # now the most recently used
                self.hits += 1
                return compiled
        self.misses += 1
        compiled = self.original(pattern, flags)
        self._keep(key, compiled)
        return compiled

    def _keep(self, key: Key, compiled: re.Pattern[Any]) -> None:
        """Keep the engine's code for `key` if a copy made from it equals `compiled`."""
        try:
            made = _entry(*key)
            again = _made(key[0], made)
        except Exception:  # noqa: BLE001 - a cache: what it cannot keep is compiled as ever
            return
        same = (again.groups, again.groupindex) == (compiled.groups, compiled.groupindex)
        if again == compiled and same:
            assert self.entries is not None
            self.entries[key] = made
            self.added += 1

    def save(self) -> None:
        """Write the file when this process compiled a pattern it did not have."""
        if not self.added or self.entries is None or self.path is None:
            return
        self.added = 0
        for key in list(self.entries)[: max(0, len(self.entries) - MAX_KEPT)]:
            del self.entries[key]
        try:
            from agent.files import write_atomic

            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, marshal.dumps(self.entries), sync=False)
        except (OSError, ValueError):
            pass  # a read-only cache folder: every start compiles, as without one


def _entry(pattern: str | bytes, flags: int) -> Entry:
    """What `re._compiler.compile` hands the engine for `pattern` (the same steps)."""
    parsed = _parser.parse(pattern, flags)
    code = array(CODE, _compiler._code(parsed, flags)).tobytes()
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    groups = parsed.state.groups - 1
    return (int(flags | parsed.state.flags), code, groups, groupindex, tuple(indexgroup))


def _made(pattern: str | bytes, entry: Entry) -> Any:
    """The pattern the engine makes from a kept entry."""
    flags, code, groups, groupindex, indexgroup = entry
    words = array(CODE)
    words.frombytes(code)
    return _sre.compile(pattern, flags, words.tolist(), groups, groupindex, indexgroup)


_KEPT = _Kept()


@contextmanager
def kept_while() -> Iterator[None]:
    """Patterns the block compiles come from the kept code, and new ones are kept."""
    if _KEPT.depth == 0:
        _compiler.compile = _KEPT.compile
    _KEPT.depth += 1
    try:
        yield
    finally:
        _KEPT.depth -= 1
        if _KEPT.depth == 0:
            _compiler.compile = _KEPT.original
            _KEPT.save()
