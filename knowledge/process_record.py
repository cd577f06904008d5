"""The stage models of the knowledge's process documents, recorded by `coach kb ingest` beside an
index version's sections (PROCESSES: {"format": 1, "standards": {id: front matter's
`standard`}}), so that a deal without process standards of its own (an imported CRM deal) is
read against the default stage model without parsing the whole corpus: about 80 ms of every
process that answered for such a deal. The record is the indexed version's, like the sections
a response cites from it; an index from before the record, or on a Chroma server, is read from
the parsed corpus as before. Nothing is written into the index while answering."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.documents import Document
from knowledge.store import current_folder, read_record

PROCESSES = "processes.json"
PROCESSES_FORMAT = 1


def stage_models(docs: Iterable[Document]) -> dict[str, Any]:
    """What an ingest records of its documents' stage models (knowledge/store.write_record)."""
    standards = {d.id: d.meta["standard"] for d in docs if "standard" in d.meta}
    return {"format": PROCESSES_FORMAT, "standards": standards}


def recorded_standard(index: Path, doc_id: str) -> tuple[Path, object] | None:
    """(the live version's folder, the recorded `standard` of `doc_id`, None when it has none),
    or None when the live version recorded no stage models."""
    folder = current_folder(index)
    if folder is None or _standards(folder) is None:
        return None
    return folder, standard_in(folder, doc_id)


def standard_in(folder: Path, doc_id: str) -> object | None:
    """The `standard` a version's record holds for `doc_id`, or None."""
    standards = _standards(folder)
    return None if standards is None else standards.get(doc_id)


@lru_cache(maxsize=8)  # a version's folder never changes once it is current
def _standards(folder: Path) -> dict[str, object] | None:
    record = read_record(folder, PROCESSES, PROCESSES_FORMAT)
    standards = record.get("standards") if record is not None else None
    return standards if isinstance(standards, dict) else None
