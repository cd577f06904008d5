"""Files several processes write at once: an exclusive lock per file, a version to tell whether
someone else wrote it since it was read, and atomic replacement.

Why here: a deal file (`debrief --apply`), the long-term memory file and the chat checkpoints
are each written by whichever CLI or server process runs; SQLite's own locking does not cover
creating the schema, and YAML files have none. The lock is a sibling `.NAME.lock` file
(`filelock`, an OS lock released when the process dies, so a `kill -9` never leaves it held).
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import time
from pathlib import Path

from filelock import FileLock

LOCK_TIMEOUT_S = 60.0
RACY_NS = 2_000_000_000  # a file changed this recently may change again within its time's tick


def settled(st: os.stat_result) -> bool:
    """Whether a file or folder last changed longer ago than RACY_NS: only then may its stat
    stand for its content, since a second change within the clock's tick could keep it (git's
    "racily clean" entries): the one rule for the index's CURRENT (knowledge/store.py) and the
    workspace's folders (tools/deal_stamps.py)."""
    return time.time_ns() - st.st_mtime_ns >= RACY_NS


def lock_for(path: Path, timeout: float = LOCK_TIMEOUT_S) -> FileLock:
    """The exclusive lock guarding `path` (waits up to `timeout` seconds, then raises
    filelock.Timeout)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path.parent / f".{path.name}.lock"), timeout=timeout)


def version(path: Path) -> str | None:
    """A fingerprint of the file's bytes; None when it does not exist. Compared, not stored:
    mtime alone misses two writes within the file system's clock tick."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def read_bytes(path: Path | str) -> bytes:
    """A whole file's bytes with one open, one read and one close (`Path.read_bytes` asks the
    system for the size and whether it is a terminal first): a batch run reads every file of
    every deal (tools/deal_cache.py) and each deal version's kept values."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: str | bytes, *, sync: bool = True) -> None:
    """Write beside the file, then rename over it: a reader, or a crash at any point, sees the
    old file or the new one, never half of one. The file's permissions are kept. The one atomic
    write of the project: deal files, the index's manifests, cached model files. `sync=False`
    skips the fsync, for a cache that is rebuilt when a power cut leaves a file empty."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))  # mkstemp makes it owner-only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
