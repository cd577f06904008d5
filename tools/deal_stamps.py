"""Whether a deal's files are as when its context was built, without listing its folder again:
the stamps of the folders its files are found in, then one stat per file.

A warm request about an unchanged deal pays a few lstat calls instead of a listing and a
validation; a folder changed within the clock's coarse tick is never trusted (git's "racily
clean" entries), so a second edit within that tick is still seen.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

# A deal's context is checked against its files' stamps: the folders its files are found in
# (the root, deals/, the deal's folder, org/: a file added, removed, renamed or replaced by a
# link there changes the folder's own lstat), then each file's stat (path, mtime, size).
Folders = tuple[tuple[int, int, int], ...] | None
Files = tuple[tuple[Path, int, int] | None, ...]
RACY_NS = 2_000_000_000  # a folder changed this recently may change again within its tick


def settled(st: os.stat_result) -> bool:
    """Whether a folder (or file) last changed longer ago than RACY_NS: only then may its time
    stand for its content, since a second change within the clock's tick could keep it."""
    return time.time_ns() - st.st_mtime_ns >= RACY_NS


def folder_stamps(root: Path, deal_id: str) -> Folders:
    """The lstat (inode, mode, mtime) of the folders a deal's files are listed from, or None
    when one changed within RACY_NS: its mtime has the clock's coarse tick, so a second change
    within that tick could leave it as it was (git's "racily clean" entries)."""
    base = str(root)
    deals = os.path.join(base, "deals")
    stamps = []
    for folder in (base, deals, os.path.join(deals, deal_id), os.path.join(base, "org")):
        try:
            st = os.lstat(folder)
        except OSError:
            stamps.append((0, 0, 0))
            continue
        if not settled(st):
            return None
        stamps.append((st.st_ino, st.st_mode, st.st_mtime_ns))
    return tuple(stamps)


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
