"""BM25 rankings kept per index version, in the state folder (not in the index).

Why: ranking a query needs bm25s (with scipy), the stemmer and the tokenised sections: about a
third of a one-deal command's start, for a handful of queries. A capability's queries come from
a small set (a play's title and the labels of the signals that fired), so most of them have
been ranked before. A committed index version's sections never change, so the ranking of a
query on it never does either: the kept one is exactly what BM25 would return, and a new
ingest (a new version folder) starts afresh. What is kept is every section with a positive
score, best first; the caller applies its filters and its cut as it does to a fresh ranking.

Kept under the state folder (`state_dir()/lexical/<index version>`), never in the index: an
index may be shared by several users or mounted read-only, and searches must not add files to
it. A ranking is a cache: written without an fsync (a power cut that leaves a file empty or
damaged only means that query is ranked again). A ranking that cannot be read is ranked again;
one that cannot be written is simply not kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from agent.files import write_atomic
from agent.resources import state_dir

FOLDER = "lexical"
MAX_KEPT = 4096  # rankings per index version; past it queries are ranked, not kept
log = logging.getLogger(__name__)


def kept_folder(version_folder: Path) -> Path:
    """Where the rankings of the index version at `version_folder` are kept: the state
    folder, one folder per index version (its path, which names the version, hashed)."""
    where = str(version_folder.resolve()).encode("utf-8", "surrogatepass")
    return state_dir() / FOLDER / hashlib.sha256(where).hexdigest()[:24]


def _path(folder: Path, query: str) -> Path:
    digest = hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / f"{digest}.json"


# How many rankings each folder held when this process first wrote to it, plus its writes:
# counted once, not listed again for every new query.
_COUNTS: dict[Path, int] = {}


def kept_ranking(folder: Path, query: str) -> list[int] | None:
    """The ranking kept for `query`, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads(_path(folder, query).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    hits = data.get("hits") if isinstance(data, dict) else None
    if data.get("query") != query or not isinstance(hits, list):  # a hash clash, or damaged
        return None
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in hits):
        return None
    return hits


def keep_ranking(folder: Path, query: str, hits: list[int]) -> None:
    """Keep `hits` (section positions, best first) for `query`; never fails the search."""
    path = _path(folder, query)
    try:
        if folder not in _COUNTS:
            folder.mkdir(parents=True, exist_ok=True)
            _COUNTS[folder] = sum(1 for _ in folder.iterdir())
        if _COUNTS[folder] >= MAX_KEPT:
            return
        body = json.dumps({"query": query, "hits": hits}, ensure_ascii=False)
        write_atomic(path, body.encode("utf-8", "surrogatepass"), sync=False)
        _COUNTS[folder] += 1
    except OSError as exc:
        log.debug("lexical ranking not kept (%s)", exc)
