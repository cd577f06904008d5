"""Reading files inside a workspace folder: one YAML or JSON file parsed within the intake
limits and validated with the file and field named, and the base of the workspace source that
finds a section's file, keeps what it parsed per modification time, and refuses any link that
leads out of the workspace.

Kept apart from what the source does with the files (deals, sections, access: sources.py), so
the catalogue and the CRM import read files the same way without the source.
"""

from __future__ import annotations

import os
from collections.abc import Container
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent.errors import InvalidInput, validated_as
from agent.intake import LIMITS, parse_document, read_text
from agent.memo import Recent
from tools.deal_ids import check_deal_id
from tools.deal_stamps import Kept

# A folder's entries by name, from one listing (os.scandir), or None when not listed.
Listing = dict[str, os.DirEntry[str]] | None

SUFFIXES = (".yaml", ".yml", ".json")


def read_document(path: Path) -> Any:
    """Parses one YAML or JSON file within the size and shape limits (agent/intake.py), turning
    every problem into one message with the file and the line."""
    text = read_text(path, LIMITS.deal_file, "workspace file")
    if not text.strip():
        raise InvalidInput("the file is empty", where=str(path), fix="Add content or remove it")
    return parse_document(text, str(path), json_only=path.suffix == ".json")


def linked(root: Path, *paths: Path) -> bool:
    """Whether a symlink is on the way from `root` down to any of `paths` (a few lstat calls,
    each folder on the way once: a deal's files share theirs; so the full resolve is paid only
    when a link is there to check)."""
    seen: set[str] = set()
    for path in paths:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            return True
        probe = str(root)
        for part in parts:
            probe = os.path.join(probe, part)
            if probe not in seen:
                seen.add(probe)
                if os.path.islink(probe):
                    return True
    return False


def validate_file(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    """Validates parsed data, naming the file and the field path of the first problems."""
    if not isinstance(data, dict):
        raise InvalidInput(
            f"expected a mapping of fields, found {type(data).__name__}",
            where=where,
            fix="The file must hold one object",
        )
    return validated_as(model, data, where, fix="Correct the field")


# Parsed files kept per process, the most recently used: a long-running process (a server,
# a batch over thousands of deals, a catalogue built from every deal file) would otherwise hold
# every file it ever parsed, its memory growing with the workspace. A request reads a deal's
# files and the workspace's few shared ones, far fewer.
PARSED_FILES = 1024


class WorkspaceFiles:
    """A workspace folder's files: found by stem, parsed once per modification time, and kept
    inside the workspace."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: Recent[tuple[Path, int, int], Any] = Recent(maxsize=PARSED_FILES)
        self._found_in: Kept[Path | None] = Kept()  # per (folder, stem): see `_found`
        self._resolved = root.resolve()

    def _parsed(self, path: Path) -> Any:
        info = path.stat()
        return self._cache.get((path, info.st_mtime_ns, info.st_size), lambda: read_document(path))

    def _find(
        self, folder: Path, stem: str, names: Container[str] | None = None, listed: Listing = None
    ) -> Path | None:
        """The folder's `stem` file, the first suffix that is a file; `names`: what the folder
        held when listed (lower-cased, as a case-insensitive disk may match), so that names it
        did not hold are not looked for one by one; `listed`: the listing's entries by name,
        given when no link leads from the workspace down to the folder: an entry that is a
        plain file is then inside the workspace, with no further look at the disk."""
        for suffix in SUFFIXES:
            name = f"{stem}{suffix}"
            if names is not None and name.lower() not in names:
                continue
            entry = listed.get(name) if listed is not None else None
            if entry is not None and not entry.is_symlink():
                if entry.is_file():
                    return folder / name
                continue
            candidate = folder / name
            if candidate.is_file():
                return self.inside(candidate)
        return None

    def _found(self, folder: Path, stem: str) -> Path | None:
        """`_find` in the workspace folder or a folder right in it (org/), kept while neither
        folder's entries change (tools/deal_stamps.py): every request reads workspace.yaml
        (its date, its seller) several times, and most deals take org/process and
        org/analytics. A folder changed in the last two seconds, or one that is a link, is
        looked at anew each time."""
        if folder == self.root:
            inside: tuple[str, ...] = ()
        elif folder.parent == self.root:
            inside = (folder.name,)
        else:
            return self._find(folder, stem)
        return self._found_in.get(
            (folder, stem), self.root, inside, lambda: self._find(folder, stem)
        )

    def inside(self, path: Path) -> Path:
        """`path` itself when it resolves inside the workspace; a symlinked folder or file that
        leads out of it is refused, so a deal never loads data from elsewhere on the disk."""
        if linked(self.root, path) and not path.resolve().is_relative_to(self._resolved):
            raise InvalidInput(
                "links to a place outside the workspace",
                where=str(path),
                fix="Copy the file into the workspace instead of linking to it",
            )
        return path

    def deal_folder(self, deal_id: str) -> Path:
        """deals/<ID> for a valid id; the folder must resolve inside deals/."""
        deals = self.root / "deals"
        folder = deals / check_deal_id(deal_id)
        if linked(self.root, folder) and not folder.resolve().is_relative_to(deals.resolve()):
            raise InvalidInput(
                "the deal folder links to a place outside deals/",
                where=str(folder),
                fix="Move the deal's folder into deals/ instead of linking to it",
            )
        return folder
