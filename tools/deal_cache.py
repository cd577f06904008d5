"""The deal cache: a deal's loaded and read form kept on disk, so a batch run over a workspace
answered before reads, parses and validates only the deals that changed since.

Why: loading a deal (parsing its YAML files and validating them) and reading its free text are
more than half of what one answer costs, and a pipeline run answers the same workspace again
and again while only some deals change. The in-process caches (tools/sources.py, agent/memo.py)
die with the process; this one lives in the state folder beside the catalogue:

    <state>/deal-cache/<hash of the workspace path>/<generation>/<fingerprint>.kept

The fingerprint of a deal is a hash of the bytes of every file its context is built from (the
deal file, each upstream section's file, org/process and org/analytics when the deal has none
of its own), their places, the deal's id, the workspace's path and the intake limits. The
generation is a hash of what the code reads them with: the package version, the size and time
of every file of the agent, tools and knowledge packages, the knowledge index version, the
COACH_* settings of the environment (not those naming who asks or where output goes) and the
pydantic version. Any change to one of these is a different file name, so nothing is ever
invalidated in place: a stale entry is simply never asked for again (another generation's
folder is removed once no run has used it for a day).

What is kept, in one file per deal version (agent/kept_bundle.py): the validated
`DealContext` (as JSON, validated again when read back, so a damaged entry is a miss) and what
agent/memo.py memos marked `kept` compute from it (the reading, the injection scan, the
sentences that back a competitor's figures, the grounds, the analysis of a date). A deal
version no run has used for KEEP_DAYS days is removed when a run starts, so edits do not pile
up. Files are written atomically (a temporary file renamed over), so workers of one batch, or
two batches at once, never see half a file; the same inputs give the same content, so two
writers of one file are harmless (one's extra entries may be lost: computed again). Access
is checked before the cache is consulted (the source refuses a deal the principal may not
reach first), and an entry holds only what the deal's own files hold, so a cache shared by the
principals of one workspace tells none of them anything their files would not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pydantic
from pydantic import TypeAdapter

from agent.contracts.base import WITHIN_LIMITS
from agent.contracts.context import DealContext
from agent.files import read_bytes
from agent.intake import LIMITS
from agent.kept_bundle import SUFFIX
from agent.memo import DiskHome, home

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from pydantic import BaseModel

FOLDER = "deal-cache"
KEEP_DAYS = 14  # a deal version no run has asked for in this long is removed
_CODE = ("agent", "tools", "knowledge")
# Settings that say who asks, where answers and logs go: never how a deal is loaded or read
# (access is checked before the cache is consulted), so they share one generation.
_UNRELATED = frozenset(
    {
        "COACH_PRINCIPAL",
        "COACH_REP",
        "COACH_HOME",
        "COACH_WORKSPACE",
        "COACH_MEMORY",
        "COACH_OUTBOX",
        "COACH_LOG_LEVEL",
        "COACH_LOG_FORMAT",
    }
)
_CONTEXT: TypeAdapter[DealContext] = TypeAdapter(DealContext)


def code_fingerprint() -> str:
    """The package version and every file of the packages that load and read a deal (size and
    modification time): an edited rule or a new release is a new generation."""
    import agent

    root = Path(agent.__file__).resolve().parent.parent
    digest = hashlib.blake2b(agent.__version__.encode(), digest_size=16)
    for package in _CODE:
        for folder, dirs, files in sorted(os.walk(root / package)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def generation(knowledge_version: str | None) -> str:
    """Everything besides the deal's own files that its loaded and read form depends on."""
    settings = sorted(
        (k, v) for k, v in os.environ.items() if k.startswith("COACH_") and k not in _UNRELATED
    )
    parts = [
        code_fingerprint(),
        knowledge_version or "-",
        repr(settings),
        pydantic.VERSION,
        sys.version,
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()


class DealCache:
    """One workspace's deal cache; off until `enable` (a batch run turns it on)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder: Path | None = None

    @cached_property
    def _resolved(self) -> Path:
        """The workspace's real place, once (each fingerprint names it)."""
        return self.root.resolve()

    def enable(self, state: Path, knowledge_version: str | None) -> None:
        """Keep deals under `state`/deal-cache from now on, in this generation's folder; another
        generation's folder for this workspace is removed once no run has used it for a day."""
        where = hashlib.sha256(str(self._resolved).encode("utf-8")).hexdigest()[:24]
        base = state / FOLDER / where
        folder = base / generation(knowledge_version)
        now = time.time()
        if base.is_dir():
            for old in base.iterdir():  # another version's, or other settings' (two checkouts)
                if old != folder and old.is_dir() and old.stat().st_mtime < now - 86400:
                    shutil.rmtree(old, ignore_errors=True)
            _expire(folder, now - KEEP_DAYS * 86400)
        folder.mkdir(parents=True, exist_ok=True)
        os.utime(folder)  # in use: another generation's run spares it for a day
        self.folder = folder

    def fingerprint(self, deal_id: str, files: Sequence[tuple[str, Path | None]]) -> str:
        """A hash of the deal's id, the workspace, the limits and each (section, file) with
        the file's place and bytes; a section without a file counts as absent."""
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{self._resolved}\n{deal_id}\n{LIMITS!r}\n".encode())
        for section, path in files:
            if path is None:
                digest.update(f"{section}:-\n".encode())
                continue
            data = read_bytes(path)
            digest.update(f"{section}:{path.relative_to(self.root)}:{len(data)}\n".encode())
            digest.update(data)
        return digest.hexdigest()

    def context(
        self,
        deal_id: str,
        files: Sequence[tuple[str, Path | None]],
        build: Callable[[], DealContext],
        shared: Mapping[str, BaseModel] | None = None,
    ) -> DealContext:
        """The deal's context from the cache, or built and kept; either way given its home, so
        what is computed from it is kept too (agent/memo.py). `shared`: sections the caller
        holds validated already (the workspace's org/ ones, the same for every deal): kept
        without them and given them back when read, so a run validates them once, not once a
        deal. Their files are in the fingerprint like any other."""
        if self.folder is None:
            return build()
        where = DiskHome(self.folder, self.fingerprint(deal_id, files))
        # Validated again (a damaged file is a miss), but not walked for the limits again:
        # they were checked when it was built, and they are part of the fingerprint.
        ctx = where.load("context", None, _CONTEXT, WITHIN_LIMITS)
        if ctx is not None:
            ctx = ctx.model_copy(update=shared) if shared else ctx
            _touch(where.file)
            home(ctx, where)
            return ctx
        ctx = build()
        # Kept only when the files are still what was fingerprinted: a deal edited while it
        # was being loaded is loaded again next time rather than kept under the old bytes.
        if self.fingerprint(deal_id, files) == where.fingerprint:
            kept = ctx.model_copy(update=dict.fromkeys(shared, None)) if shared else ctx
            where.save("context", None, _CONTEXT, kept)
            home(ctx, where)
        return ctx


def _touch(path: Path) -> None:
    """Marks a deal version as used (its file's time), so expiry spares it."""
    with contextlib.suppress(OSError):
        os.utime(path)


def _expire(folder: Path, cutoff: float) -> None:
    """Removes the file of every deal version no run has used since `cutoff` (edited deals
    leave their old versions behind), and temporary files a killed writer left."""
    try:
        names = [e for e in os.scandir(folder) if e.is_file()]
        stale = {
            e.name.split(".", 1)[0]
            for e in names
            if e.name.endswith(SUFFIX) and e.stat().st_mtime < cutoff
        }
        for entry in names:
            leftover = entry.name.startswith(".") and entry.stat().st_mtime < cutoff
            if leftover or entry.name.split(".", 1)[0] in stale:
                os.unlink(entry.path)
    except OSError:
        pass  # another process expiring at the same time; what is left goes next time
