"""The workspace catalogue: one small record per deal (id, owner, stage, dates, amount,
account) with the fingerprint of the file it came from (path, size, mtime_ns).

Why: listing deals, finding a rep's deals and scoping them to a principal used to parse and
validate every deal file of the workspace on every request, so one answer cost O(workspace).
The catalogue is kept in the state folder (one JSON file per workspace root, written
atomically under its lock, agent/files.py) and refreshed incrementally: a refresh stats the
deal files and re-reads only those whose size or modification time changed; a deal whose
folder vanished leaves it. A full refresh (`refresh()`) stats every deal folder and is what
listing uses; a request about one deal or one rep refreshes only what it needs
(`refresh(ids)`) plus the deals/ folder itself, whose modification time changes whenever a
deal folder is added or removed. Outside listing, every deal is stat-ed again at most every
`FULL_CHECK_S` seconds (a stored catalogue just loaded counts as checked): an owner edited
into another deal's file is seen by the next listing or a warm process's next full check,
not by a one-off rep request in between.

A deal file that does not parse or validate is kept with its problem (`problems()`), never
fatal: listing skips it and says so. The owner is read from the raw file even then, so a
principal is never told of problems in a deal it may not reach. The catalogue is a cache: a
missing, unreadable or foreign-version file is rebuilt from the workspace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import stat
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from agent.contracts.deal import Deal
from agent.errors import CoachError
from tools.workspace_files import SUFFIXES

if TYPE_CHECKING:
    from tools.deal_source import DealSummary
    from tools.sources import WorkspaceSource

log = logging.getLogger(__name__)

FORMAT = 2
FULL_CHECK_S = 5.0


class Entry(NamedTuple):
    """One deal as the catalogue knows it. `problem` is set (and the summary fields empty)
    when the deal file does not parse or validate; `owner_id` is read from the raw file."""

    id: str
    path: str  # relative to the workspace root
    size: int
    mtime_ns: int
    owner_id: str | None = None
    owner: str = ""
    name: str = ""
    account: str = ""
    stage: str = ""
    amount: float = 0.0
    currency: str = ""
    created: str = ""  # ISO dates, kept as text so the file round-trips exactly
    stage_entered: str = ""
    expected_close: str = ""
    problem: str | None = None
    unreadable: bool = False  # the file did not even parse: no owner to scope it by

    def summary(self) -> DealSummary:
        from tools.deal_source import DealSummary

        return DealSummary(
            self.id,
            self.name,
            self.account,
            self.stage,
            self.amount,
            self.currency,
            dt.date.fromisoformat(self.expected_close),
            self.owner,
        )


def _raw_owner(data: Any) -> str | None:
    owner = data.get("owner") if isinstance(data, dict) else None
    owner_id = owner.get("id") if isinstance(owner, dict) else None
    return owner_id if isinstance(owner_id, str) else None


def store_path(root: Path) -> Path:
    """<state folder>/catalogue/<hash of the resolved root>.json: one file per workspace."""
    from agent.resources import state_dir

    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:24]
    return state_dir() / "catalogue" / f"{key}.json"


class Catalogue:
    """The deals of one workspace (every deal: scoping is the source's, see `visible`)."""

    def __init__(self, source: WorkspaceSource) -> None:
        self.source = source
        self.root = source.root
        self._entries: dict[str, Entry] | None = None
        self._deals_mtime: int | None = None
        self._checked_at = float("-inf")
        self._dirty = False
        self._plain = False
        self._links: set[str] | None = None  # deal folders that are links, from the listing
        self._owners: dict[str, list[str]] | None = None  # owner id -> deal ids
        self._lock = threading.RLock()

    # -- refresh ---------------------------------------------------------------------------

    def refresh(self, ids: list[str] | None = None) -> dict[str, Entry]:
        """Bring the catalogue up to date (all deals, or only `ids` plus added and removed
        folders when a full check ran less than FULL_CHECK_S ago) and return it. One thread
        at a time: a server answers requests side by side."""
        with self._lock:
            return dict(self._refresh(ids))  # a copy: another thread may refresh meanwhile

    def _refresh(self, ids: list[str] | None) -> dict[str, Entry]:
        entries = self._load()
        deals = self.root / "deals"
        self._plain = not deals.is_symlink()
        try:
            deals_mtime = deals.stat().st_mtime_ns if deals.is_dir() else None
        except OSError:
            deals_mtime = None
        folder = os.path.join(self.root, "deals")
        full = ids is None or self._stale()
        if ids is not None and not full and deals_mtime == self._deals_mtime:
            # nothing added or removed since the last look: only the deals asked about
            for deal_id in ids:
                self._update(entries, deal_id, folder)
            self._save()
            return entries
        names: set[str] = set()
        if deals_mtime is not None:
            with os.scandir(deals) as found:
                listing = [(e.name, e.is_symlink()) for e in found]
            names = {name for name, _ in listing}
            self._links = {name for name, link in listing if link}
        for gone in [d for d in entries if d not in names]:
            del entries[gone]
            self._changed()
        if full:
            wanted = names
            self._checked_at = time.monotonic()
        else:
            wanted = {d for d in ids or () if d in names} | (names - set(entries))
        for deal_id in wanted:
            self._update(entries, deal_id, folder)
        self._deals_mtime = deals_mtime
        self._save()
        return entries

    def owned(self, owner_id: str) -> list[str]:
        """The ids of the deals whose file names `owner_id` as owner, as last seen (an index
        kept until an entry changes, so a rep request costs the rep's deals, not the
        workspace)."""
        with self._lock:
            return self._owned(owner_id)

    def _owned(self, owner_id: str) -> list[str]:
        if self._owners is None:
            owners: dict[str, list[str]] = {}
            for deal_id, entry in sorted(self._load().items()):
                if entry.owner_id is not None:
                    owners.setdefault(entry.owner_id, []).append(deal_id)
            self._owners = owners
        return list(self._owners.get(owner_id, ()))

    def _changed(self) -> None:
        self._dirty = True
        self._owners = None

    def _stale(self) -> bool:
        return time.monotonic() - self._checked_at > FULL_CHECK_S

    def _update(self, entries: dict[str, Entry], deal_id: str, deals: str) -> None:
        found = self._deal_file(deal_id, deals)
        if found is None:
            if entries.pop(deal_id, None) is not None:
                self._changed()
            return
        rel, st = found
        old = entries.get(deal_id)
        if old and (old.path, old.size, old.mtime_ns) == (rel, st.st_size, st.st_mtime_ns):
            return
        entries[deal_id] = self._read(deal_id, self.root / rel, rel, st)
        self._changed()

    def _deal_file(self, deal_id: str, deals: str) -> tuple[str, os.stat_result] | None:
        """The deal's file (relative to the root) when the id is valid and its folder and file
        stay inside the workspace (the source's rules); None otherwise, so it is not listed.
        Plain strings and lstat: this runs once per deal folder on a full refresh."""
        from tools.deal_ids import DEAL_ID

        if DEAL_ID.fullmatch(deal_id) is None:
            return None
        folder = os.path.join(deals, deal_id)
        for suffix in SUFFIXES:
            name = f"deal{suffix}"
            try:
                st = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            rel = f"deals/{deal_id}/{name}"
            if stat.S_ISREG(st.st_mode) and self._plain and not self._linked(deal_id, folder):
                return rel, st  # the common case: no link anywhere, nothing to resolve
            try:
                self.source.deal_folder(deal_id)
                candidate = self.root / rel
                if candidate.is_file():
                    return str(self.source.inside(candidate).relative_to(self.root)), (
                        candidate.stat()
                    )
            except (CoachError, OSError, ValueError):
                return None
        return None

    def _linked(self, deal_id: str, folder: str) -> bool:
        if self._links is not None:
            return deal_id in self._links
        return os.path.islink(folder)

    def _read(self, deal_id: str, path: Path, rel: str, st: os.stat_result) -> Entry:
        from tools.workspace_files import read_document, validate_file

        base = Entry(id=deal_id, path=rel, size=st.st_size, mtime_ns=st.st_mtime_ns)
        try:
            data = read_document(path)  # not the source's parse cache: a full build reads all
        except (CoachError, OSError) as exc:
            return _with(base, problem=str(exc), unreadable=True)
        owner_id = _raw_owner(data)
        try:
            deal = validate_file(Deal, data, str(path))
            assert isinstance(deal, Deal)
            if deal.id != deal_id:
                return _with(
                    base,
                    owner_id=owner_id,
                    problem=f"{path}: id '{deal.id}' does not match its folder name",
                )
        except CoachError as exc:
            return _with(base, owner_id=owner_id, problem=str(exc))
        entered = deal.stage_history[-1].entered.isoformat() if deal.stage_history else ""
        return _with(
            base,
            owner_id=owner_id,
            owner=deal.owner.name,
            name=deal.name,
            account=deal.account.name,
            stage=deal.stage,
            amount=deal.amount,
            currency=deal.currency,
            created=deal.created.isoformat(),
            stage_entered=entered,
            expected_close=deal.expected_close.isoformat(),
        )

    # -- the stored file -------------------------------------------------------------------

    def _load(self) -> dict[str, Entry]:
        if self._entries is not None:
            return self._entries
        self._entries = {}
        path = store_path(self.root)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            fields = stored.get("format") == FORMAT and stored.get("fields") == list(Entry._fields)
            if fields and stored.get("root") == str(self.root.resolve()):
                self._entries = {row[0]: Entry(*row) for row in stored["deals"]}
                self._owners = None
                self._checked_at = time.monotonic()  # trusted until FULL_CHECK_S from now
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            log.debug("catalogue %s unreadable, rebuilt: %s", path, exc)
        return self._entries

    def _save(self) -> None:
        if not self._dirty or self._entries is None:
            return
        from agent.files import lock_for, write_atomic

        path = store_path(self.root)
        payload = {
            "format": FORMAT,
            "root": str(self.root.resolve()),
            "fields": list(Entry._fields),
            "deals": [list(e) for _, e in sorted(self._entries.items())],
        }
        try:
            with lock_for(path, timeout=10):
                write_atomic(path, json.dumps(payload, separators=(",", ":")))
            self._dirty = False
        except Exception as exc:  # noqa: BLE001 - a cache that cannot be written is rebuilt
            log.debug("catalogue %s not written: %s", path, exc)


def _with(entry: Entry, **changes: Any) -> Entry:
    return entry._replace(**changes)
