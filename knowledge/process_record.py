"""The stage models of the knowledge's process documents, recorded by `coach kb ingest` beside an
index version's sections (PROCESSES: {"format": 1, "standards": {id: front matter's
`standard`}}), so that a deal without process standards of its own (an imported CRM deal) is
read against the default stage model without parsing the whole corpus: about 80 ms of every
process that answered for such a deal. The record is the indexed version's, like the sections
a response cites from it; an index from before the record, or on a Chroma server, is read from
the parsed corpus as before. Nothing is written into the index while answering."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from agent.files import write_atomic
from knowledge.documents import Document
from knowledge.store import index_store

PROCESSES = "processes.json"
PROCESSES_FORMAT = 1


def record_processes(folder: Path, docs: Iterable[Document], missing: bool = False) -> None:
    """Writes the record of `docs`' stage models into a version's folder; with `missing` only
    where the version has none yet (an index ingested before the record: the documents are the
    same, so the record is what its ingest would have written)."""
    target = folder / PROCESSES
    if missing and target.exists():
        return
    standards = {d.id: d.meta["standard"] for d in docs if "standard" in d.meta}
    data = {"format": PROCESSES_FORMAT, "standards": standards}
    write_atomic(target, json.dumps(data, default=str).encode())


def recorded_standard(index: Path, doc_id: str) -> tuple[str, object] | None:
    """(the index version, the recorded `standard` of `doc_id`, None when it has none), or
    None when the current version recorded no stage models."""
    store = index_store(index)
    version = store.current_version
    if version is None:
        return None
    standards = _standards(store.folder(version))
    return None if standards is None else (version, standards.get(doc_id))


@lru_cache(maxsize=8)  # a version's folder never changes once it is current
def _standards(folder: Path) -> dict[str, object] | None:
    try:
        data = json.loads((folder / PROCESSES).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != PROCESSES_FORMAT:
        return None
    standards = data.get("standards")
    return standards if isinstance(standards, dict) else None
