"""BM25 rankings kept beside the index version they were computed on.

Why: ranking a query needs bm25s (with scipy), the stemmer and the tokenised sections: about a
third of a one-deal command's start, for a handful of queries. A capability's queries come from
a small set (a play's title and the labels of the signals that fired), so most of them have
been ranked before. A committed index version's sections never change, so the ranking of a
query on it never does either: the kept one is exactly what BM25 would return, and a new
ingest (a new version folder) starts afresh. What is kept is every section with a positive
score, best first; the caller applies its filters and its cut as it does to a fresh ranking.

A ranking that cannot be read is ranked again; one that cannot be written (a read-only index)
is simply not kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from agent.files import write_atomic

FOLDER = "lexical"
MAX_KEPT = 4096  # rankings per index version; past it queries are ranked, not kept
log = logging.getLogger(__name__)


def _path(version_folder: Path, query: str) -> Path:
    digest = hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return version_folder / FOLDER / f"{digest}.json"


def kept_ranking(version_folder: Path, query: str) -> list[int] | None:
    """The ranking kept for `query`, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads(_path(version_folder, query).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    hits = data.get("hits") if isinstance(data, dict) else None
    if data.get("query") != query or not isinstance(hits, list):  # a hash clash, or damaged
        return None
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in hits):
        return None
    return hits


def keep_ranking(version_folder: Path, query: str, hits: list[int]) -> None:
    """Keep `hits` (section positions, best first) for `query`; never fails the search."""
    path = _path(version_folder, query)
    try:
        path.parent.mkdir(exist_ok=True)
        if sum(1 for _ in path.parent.iterdir()) >= MAX_KEPT:
            return
        body = json.dumps({"query": query, "hits": hits}, ensure_ascii=False)
        write_atomic(path, body.encode("utf-8", "surrogatepass"))
    except OSError as exc:
        log.debug("lexical ranking not kept (%s)", exc)
