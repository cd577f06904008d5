"""A query's BM25 ranking is kept with the index version: a later process serves it without
ranking again, gives the same passages, and a damaged or unwritable cache never changes one."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import lexical_cache
from knowledge.ingest import ingest
from knowledge.retriever import KnowledgeIndex, Passage, SearchFilters

QUERIES = [
    ("price too high for the budget", SearchFilters()),
    ("Rivalco licences and time to value", SearchFilters(type=["battle_card"])),
    ("security review data residency", SearchFilters(stage="solution")),
    ("the cost of doing nothing", SearchFilters(exclude_type=["battle_card"])),
    ("zebra crossings", SearchFilters()),  # no hit: kept as an empty ranking
]


def _search(index: KnowledgeIndex) -> list[list[Passage]]:
    return [index.search(q, k=3, filters=f, mode="lexical") for q, f in QUERIES]


def _ingested(kb: Path, root: Path) -> tuple[Path, list[list[Passage]]]:
    """An index of `kb` at `root` and the queries' passages from a fresh ranking."""
    ingest((kb,), root)
    return root, _search(KnowledgeIndex(root, (kb,)))


def _no_ranking(self: KnowledgeIndex, query: str) -> list[int]:
    raise AssertionError(f"ranked again: {query}")


def test_a_kept_ranking_serves_the_same_passages_without_bm25(
    small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, fresh = _ingested(small_kb, tmp_path / "index")
    assert any(fresh) and not fresh[-1]
    folder = root / str(KnowledgeIndex(root).version) / lexical_cache.FOLDER
    kept = list(folder.glob("*.json"))
    assert len(kept) == len(QUERIES)
    with monkeypatch.context() as patched:  # another process: nothing in memory, no BM25
        patched.setattr(KnowledgeIndex, "_ranking", _no_ranking)
        assert _search(KnowledgeIndex(root, (small_kb,))) == fresh


def test_a_damaged_ranking_is_ranked_again(small_kb: Path, tmp_path: Path) -> None:
    root, fresh = _ingested(small_kb, tmp_path / "index")
    folder = root / str(KnowledgeIndex(root).version) / lexical_cache.FOLDER
    damage = ["{not json", '{"query": "another query", "hits": [0]}', '{"hits": [99999]}']
    for path, junk in zip(sorted(folder.glob("*.json")), damage, strict=False):
        path.write_text(junk, encoding="utf-8")
    assert _search(KnowledgeIndex(root, (small_kb,))) == fresh


def test_an_unwritable_index_still_answers(
    small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, fresh = _ingested(small_kb, tmp_path / "index")

    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(f"read-only: {path}")

    other = tmp_path / "other"
    ingest((small_kb,), other)
    monkeypatch.setattr(lexical_cache, "write_atomic", refuse)
    assert _search(KnowledgeIndex(other, (small_kb,))) == fresh
    assert not list(other.rglob(f"{lexical_cache.FOLDER}/*.json"))
