"""Where deals and upstream-agent data come from: a workspace folder (here), or an inline
payload (deal_source.py, with the protocol every source follows).

A workspace folder looks like this (YAML or JSON, one file per upstream agent):

    workspace.yaml                  optional: name, seller, as_of
    org/process.yaml                process standards for every deal (optional)
    org/analytics.yaml              sales analytics for every deal (optional)
    deals/<DEAL_ID>/deal.yaml       the CRM deal
    deals/<DEAL_ID>/<section>.yaml  risk, qualification, discovery, argumentation,
                                    competitive, value; process or analytics override org/

This module holds what the workspace does with its files: deals, sections and contexts. Who may
reach them is workspace_access.py; finding and parsing the files, workspace_files.py; whether a
deal's files changed, deal_stamps.py; what a deal id may be, deal_ids.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Container, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agent.contracts.context import SECTION_MODELS, SECTION_PURPOSE, DealContext
from agent.contracts.deal import Deal
from agent.contracts.principal import Principal
from agent.errors import DealNotFound, InvalidInput
from agent.memo import Recent
from tools.deal_ids import DEAL_ID, check_deal_id
from tools.deal_source import KEPT_DEALS, DealSummary
from tools.deal_stamps import Files, Folders, folder_stamps, unchanged
from tools.workspace_access import WorkspaceAccess
from tools.workspace_files import Listing, linked, validate_file

if TYPE_CHECKING:
    from tools.catalogue import Entry

log = logging.getLogger(__name__)

ORG_SECTIONS = ("process", "analytics")
_ID_WORD = re.compile(r"[A-Za-z0-9_][\w.-]*\d[\w-]*|\d[\w-]*")  # words that hold a digit
TRANSCRIPT_SUFFIXES = (".txt", ".vtt", ".srt", ".json")


class WorkspaceSource(WorkspaceAccess):
    """Reads a workspace folder. Parsed files are cached by modification time, so warm calls
    cost microseconds and edits are still picked up."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._contexts: Recent[str, tuple[tuple[Folders, Files], DealContext]] = Recent(
            maxsize=KEPT_DEALS
        )
        # org/ sections validated once per version of their file, shared by every deal that
        # has none of its own (`_shared`)
        self._org: Recent[tuple[str, Path, int, int], BaseModel] = Recent(maxsize=8)
        from tools.catalogue import Catalogue  # it reads deals through this class
        from tools.deal_cache import DealCache

        self.catalogue = Catalogue(self)  # shared by the scoped views (copy.copy)
        self.deal_cache = DealCache(root)  # off unless a batch run enables it; shared too
        if not root.is_dir():
            raise InvalidInput(
                "workspace folder not found",
                where=str(root),
                fix="Pass --workspace with a folder holding deals/<ID>/deal.yaml",
            )

    @property
    def settings(self) -> dict[str, Any]:
        path = self._found(self.root, "workspace")
        data = self._parsed(path) if path else {}
        return data if isinstance(data, dict) else {}

    @property
    def as_of(self) -> dt.date | None:
        value = self.settings.get("as_of")
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(
                f"as_of '{value}' is not a date",
                where=str(self.root / "workspace.yaml"),
                fix="Use YYYY-MM-DD",
            ) from None

    def deal_ids(self) -> list[str]:
        """Deals whose folder is named by a valid id and stays inside the workspace, as far as
        the principal may reach them (from the catalogue, tools/catalogue.py); others are left
        out here and refused with a message when asked for by id."""
        return [e.id for e in self.entries()]

    def deal_named(self, text: str) -> str | None:
        """The first word of `text` that is the id of a deal the principal may reach (as
        written, else upper-cased): a CRM's ids have its own shape (Maven's "00400B1S",
        Salesforce's "0065e00000XyZab", HubSpot's digits, an import's "K-1"), so a message is
        checked against the workspace's folders, never against a pattern of what ids look
        like. A word holds a digit, and one of digits alone at least five ("in 3 days" is no
        deal); each is a folder lookup, so a long message costs a few stats. A deal the
        principal may not reach is not named (its existence is not told)."""
        words: list[str] = _ID_WORD.findall(text)
        for word in words:
            if word.isdigit() and len(word) < 5:
                continue
            for candidate in dict.fromkeys((word, word.upper())):
                folder = self.root / "deals" / candidate
                if DEAL_ID.fullmatch(candidate) is None or self._find(folder, "deal") is None:
                    continue
                if candidate in self._listed_ids() and self.reachable(candidate):
                    return candidate
        return None

    def _listed_ids(self) -> set[str]:
        """The deal folders' names as listed (a case-insensitive disk would find "k-1" for
        "K-1"): a word names a deal only with the id's own spelling."""
        return set(os.listdir(self.root / "deals"))

    def entries(self) -> list[Entry]:
        """The catalogue's entry of every deal the principal may reach, in id order, from one
        full refresh: a listing that needs ids, stages and problems together (`coach batch`)
        stats the workspace once, not once per question."""
        return [e for _, e in sorted(self.catalogue.refresh().items()) if self._visible(e)]

    def deals_naming(self, words: Iterable[str]) -> list[DealSummary]:
        """The reachable deals whose deal file holds one of `words` (case aside), in id order:
        who a chat message names is looked for across the workspace in each deal file's bytes,
        and only the deals that hold the name are parsed by the caller. Parsing every deal
        took about 3 s a message on 8,800 imported deals; a file that holds the word may still
        not name the person (the caller reads its contacts)."""
        keys = [w.lower().encode("utf-8") for w in words if w]
        found = []
        for entry in self.entries():
            if entry.problem is not None or not keys:
                continue
            try:
                data = (self.root / entry.path).read_bytes().lower()
            except OSError:
                continue
            if any(k in data for k in keys):
                found.append(entry.summary())
        return found

    def list_deals(self) -> list[DealSummary]:
        """Every deal the principal may reach, from the catalogue; a deal whose file does not
        parse or validate is left out with one warning naming the problem."""
        summaries = []
        for entry in self.entries():
            if entry.problem is not None:
                log.warning("deal %s left out: %s", entry.id, entry.problem)
                continue
            summaries.append(entry.summary())
        return summaries

    def rep_deal_ids(self, rep_id: str) -> list[str]:
        """The deals `rep_id` owns that the principal may reach, in id order: the catalogue
        refreshes only those (and any deal folder added since), not the whole workspace."""
        self.catalogue.refresh([])  # added or removed folders; everything when not yet built
        entries = self.catalogue.refresh(self.catalogue.owned(rep_id))
        mine = self.catalogue.owned(rep_id)  # again: a refreshed deal may have changed owner
        return [d for d in mine if self._visible(entries[d])]

    def rep_ids(self) -> list[str]:
        """Owners of the deals the principal may reach (a full refresh)."""
        entries = self.catalogue.refresh().values()
        return sorted(
            {e.owner_id for e in entries if e.owner_id and not e.problem and self._visible(e)}
        )

    def deal_path(
        self,
        deal_id: str,
        names: Container[str] | None = None,
        listed: Listing = None,
        folder: Path | None = None,
    ) -> Path:
        """deals/<ID>/deal.yaml (or .yml, .json); `names`, `listed`: as `_find` takes them,
        from a listing of the deal's folder (which then exists); `folder`: `deal_folder`'s
        answer, when the caller has it."""
        folder = folder or self.deal_folder(deal_id)
        found = names is not None or folder.is_dir()
        path = self._find(folder, "deal", names, listed) if found else None
        if path is None or not self.reachable(deal_id):
            raise DealNotFound(deal_id, str(self.root / "deals"), self.deal_ids())
        return path

    def latest_transcript(self, deal_id: str) -> Path:
        """The newest call transcript kept with a deal (file names start with the call's date,
        deals/<ID>/transcripts/2026-11-18-call.txt)."""
        folder = self.deal_path(deal_id).parent / "transcripts"  # an unknown deal: DealNotFound
        if folder.exists():
            self.inside(folder)
        files = sorted(p for p in folder.glob("*") if p.suffix in TRANSCRIPT_SUFFIXES)
        if not files:
            raise InvalidInput(
                "no transcript to analyse",
                where=str(folder),
                fix="Pass --transcript FILE (.txt, .vtt, .srt or .json)",
            )
        return self.inside(files[-1])

    def get_deal(self, deal_id: str) -> Deal:
        path = self.deal_path(deal_id)
        deal = validate_file(Deal, self._parsed(path), str(path))
        assert isinstance(deal, Deal)
        if deal.id != deal_id:
            raise InvalidInput(
                f"id '{deal.id}' does not match its folder name '{deal_id}'",
                where=str(path),
                fix="Rename the folder or correct the id",
            )
        return deal

    def section_path(self, deal_id: str, section: str) -> Path | None:
        return self._section_path(self.deal_path(deal_id).parent, section)  # else DealNotFound

    def _section_path(
        self,
        folder: Path,
        section: str,
        names: Container[str] | None = None,
        listed: Listing = None,
    ) -> Path | None:
        own = self._find(folder, section, names, listed)
        if own or section not in ORG_SECTIONS:
            return own
        return self._found(self.root / "org", section)

    def org_section(self, section: str) -> BaseModel | None:
        """Organisation-wide data (process, analytics) from org/, or None when absent."""
        path = self._found(self.root / "org", section) if section in ORG_SECTIONS else None
        if path is None:
            return None
        return validate_file(SECTION_MODELS[section], self._parsed(path), str(path))

    def get_section(self, deal_id: str, section: str) -> BaseModel | None:
        """One upstream agent's data for a deal, or None when that agent has nothing."""
        if section not in SECTION_PURPOSE:
            raise InvalidInput(
                f"unknown section '{section}'", fix=f"Sections: {', '.join(SECTION_PURPOSE)}"
            )
        path = self.section_path(deal_id, section)
        if path is None:
            return None
        return validate_file(SECTION_MODELS[section], self._parsed(path), str(path))

    def _files(self, deal_id: str) -> list[tuple[str, Path | None]]:
        """Every file a deal's context is built from, by section (None: that section has none)."""
        return self._stamped_files(deal_id)[0]

    def _stamped_files(
        self, deal_id: str
    ) -> tuple[list[tuple[str, Path | None]], tuple[tuple[Path, int, int] | None, ...]]:
        """Every file a deal's context is built from, by section (None: that section has none),
        and each one's stamp (path, time, size), from one listing of the deal's folder: a
        plain file's entry is not looked for again, nor stat-ed twice."""
        folder = self.deal_folder(deal_id)
        try:
            with os.scandir(folder) as listing:
                entries = {e.name: e for e in listing}
        except OSError:  # no such folder (or not one): DealNotFound, in the usual words
            self.deal_path(deal_id)
            raise
        names = {n.lower() for n in entries}  # not three probes a section
        listed = None if linked(self.root, folder) else entries
        deal = self.deal_path(deal_id, names, listed, folder)  # unreachable: DealNotFound
        files = [
            ("deal", deal),
            *((s, self._section_path(folder, s, names, listed)) for s in SECTION_PURPOSE),
        ]
        stamps: list[tuple[Path, int, int] | None] = []
        for _, path in files:
            if path is None:
                stamps.append(None)
                continue
            entry = entries.get(path.name) if listed is not None and path.parent == folder else None
            info = entry.stat() if entry is not None else path.stat()
            stamps.append((path, info.st_mtime_ns, info.st_size))
        return files, tuple(stamps)

    def load_context(self, deal_id: str) -> DealContext:
        """Validated once per version of its files: warm requests skip validation (and, with
        the deal cache on, so do later processes: tools/deal_cache.py). A warm request whose
        folders are unchanged checks each file with one stat (`unchanged`)."""
        cached = self._contexts.peek(deal_id)
        if cached and self.access.everything and unchanged(self.root, deal_id, *cached[0]):
            return cached[1]
        check_deal_id(deal_id)  # an id that is not a plain name is refused before any stat
        folders = folder_stamps(self.root, deal_id)  # before the listing: a later edit shows
        files, stamp = self._stamped_files(deal_id)  # an unknown deal: DealNotFound
        if linked(self.root, *(p for _, p in files if p is not None)):
            folders = None  # a link on the way: each request checks where it leads
        if cached and cached[0][1] == stamp:
            context = cached[1]
        else:
            shared = self._shared(files, stamp)
            context = self.deal_cache.context(
                deal_id, files, lambda: self._load_context(deal_id, shared), shared
            )
        self._contexts.put(deal_id, ((folders, stamp), context))
        return context

    def _shared(
        self, files: list[tuple[str, Path | None]], stamp: tuple[tuple[Path, int, int] | None, ...]
    ) -> dict[str, BaseModel]:
        """The deal's sections that come from org/ (it has none of its own), each validated
        once per version of its file and the same object in every deal's context. Why: they
        are organisation-wide (a team's analytics is larger than most deals), and validating
        them again for every deal of a pipeline run was half of what loading a deal cost."""
        org = self.root / "org"
        shared: dict[str, BaseModel] = {}
        for (section, path), found in zip(files, stamp, strict=True):
            if path is None or found is None or section not in ORG_SECTIONS or path.parent != org:
                continue
            key = (section, *found)
            model = self._org.peek(key)
            if model is None:
                model = validate_file(SECTION_MODELS[section], self._parsed(path), str(path))
                self._org.put(key, model)
            shared[section] = model
        return shared

    def _load_context(
        self, deal_id: str, shared: dict[str, BaseModel] | None = None
    ) -> DealContext:
        deal = self.get_deal(deal_id)
        sections: dict[str, Any] = {}
        sources = {"deal": str(self.root / "deals" / deal_id)}
        for name in SECTION_PURPOSE:
            value = shared[name] if shared and name in shared else self.get_section(deal_id, name)
            if value is not None:
                sections[name] = value
                sources[name] = str(self.section_path(deal_id, name))
        return DealContext(deal=deal, sources=sources, **sections)


def workspace_source(root: Path, principal: Principal | None = None) -> WorkspaceSource:
    """The workspace as `principal` sees it (None: all of it, the local single-user mode)."""
    return _workspace(root).scoped(principal)


@lru_cache(maxsize=16)
def _workspace(root: Path) -> WorkspaceSource:
    """One source per folder per process, so its parse cache survives between requests."""
    return WorkspaceSource(root)
