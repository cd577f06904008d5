"""Whether folders are as when something was found in them, without listing them again: the one
"is this folder unchanged" mechanism of the workspace source.

A file added, removed, renamed or replaced by a link in a folder changes the folder's own
stat, so the stamps of the folders something was found in (`stamps`) say whether looking again
would find the same. `Kept` keeps what was found per key while its folders' stamps stand
(workspace.yaml, org/ files: tools/workspace_files.py); a deal's context keeps its folders'
stamps beside each file's stat (`folder_stamps`, `unchanged`: tools/sources.py). Either way a
folder changed within the clock's coarse tick is never trusted (`settled`: git's "racily clean"
entries, agent/files.py), so a second edit within that tick is still seen; nor is a folder
that is a link.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

from agent.files import settled

T = TypeVar("T")
Stamp = tuple[int, int, int]  # a folder's inode, mode and modification time
# A deal's context is checked against its files' stamps: the folders its files are found in
# (the root, deals/, the deal's folder, org/), then each file's stat (path, mtime, size).
Folders = tuple[Stamp, ...] | None
Files = tuple[tuple[Path, int, int] | None, ...]
MISSING: Stamp = (0, 0, 0)


def stamps(root: Path, inside: Iterable[str]) -> Folders:
    """The stamps of `root` (followed: a workspace given as a link is its target's folder) and
    of the folders `inside` it (not followed), a missing one as MISSING; None when one changed
    within the clock's tick (agent.files.RACY_NS) or is a link (where it leads may change
    without it)."""
    base = str(root)
    found = []
    for i, name in enumerate(("", *inside)):
        try:
            st = os.stat(base) if i == 0 else os.lstat(os.path.join(base, name))
        except OSError:
            found.append(MISSING)
            continue
        if not settled(st) or stat.S_ISLNK(st.st_mode):
            return None
        found.append((st.st_ino, st.st_mode, st.st_mtime_ns))
    return tuple(found)


class Kept(Generic[T]):
    """What was found in some folders, per key, kept while their stamps stand: a few hundred
    entries at most (the oldest dropped first)."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._kept: dict[Hashable, tuple[tuple[Stamp, ...], T]] = {}

    def get(self, key: Hashable, root: Path, inside: tuple[str, ...], find: Callable[[], T]) -> T:
        """`find()`'s value, from an earlier call with the same key while the folders are
        unchanged. Stamped before `find` runs, so an edit during it is seen next time."""
        now = stamps(root, inside)
        kept = self._kept.get(key)
        if now is not None and kept is not None and kept[0] == now:
            return kept[1]
        value = find()
        if now is not None:
            self._kept.pop(key, None)
            if len(self._kept) >= self.maxsize:
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = (now, value)
        return value


def folder_stamps(root: Path, deal_id: str) -> Folders:
    """The stamps of the folders a deal's files are listed from (the root, deals/, the deal's
    folder, org/), or None when one is not to be trusted (`stamps`)."""
    return stamps(root, ("deals", os.path.join("deals", deal_id), "org"))


def unchanged(root: Path, deal_id: str, folders: Folders, files: Files) -> bool:
    """Whether a deal's files are as when they were stamped, without listing its folder: its
    folders unchanged (so the same files are found there), then one stat per file."""
    if folders is None or folder_stamps(root, deal_id) != folders:
        return False
    try:
        for f in files:
            if f is not None:
                st = os.stat(f[0])
                if (st.st_mtime_ns, st.st_size) != (f[1], f[2]):
                    return False
    except OSError:
        return False
    return True
