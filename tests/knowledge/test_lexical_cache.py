"""A query's BM25 ranking is kept per index version in the state folder, never in the index: a
later process serves it without ranking again, gives the same passages, and a damaged or
unwritable cache never changes one; a one-off query (a call's line) is kept in memory only."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.resources import knowledge_dir
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


@pytest.fixture(autouse=True)
def _state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(lexical_cache, "_COUNTS", {})


def _ingested(kb: Path, root: Path) -> tuple[Path, list[list[Passage]]]:
    """An index of `kb` at `root` and the queries' passages from a fresh ranking."""
    ingest((kb,), root)
    return root, _search(KnowledgeIndex(root, (kb,)))


def _kept(root: Path) -> Path:
    return lexical_cache.kept_folder(root / str(KnowledgeIndex(root).version))


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _no_ranking(self: KnowledgeIndex, query: str) -> list[int]:
    raise AssertionError(f"ranked again: {query}")


def test_a_kept_ranking_serves_the_same_passages_without_bm25(
    small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest((small_kb,), tmp_path / "index")
    before = _files(tmp_path / "index")
    root, fresh = tmp_path / "index", _search(KnowledgeIndex(tmp_path / "index", (small_kb,)))
    assert any(fresh) and not fresh[-1]
    assert _files(root) == before  # the index is only read
    folder = _kept(root)
    assert folder.is_relative_to(tmp_path / "state")
    kept = list(folder.glob("*.json"))
    assert len(kept) == len(QUERIES)
    with monkeypatch.context() as patched:  # another process: nothing in memory, no BM25
        patched.setattr(KnowledgeIndex, "_ranking", _no_ranking)
        assert _search(KnowledgeIndex(root, (small_kb,))) == fresh


def test_a_damaged_ranking_is_ranked_again(small_kb: Path, tmp_path: Path) -> None:
    root, fresh = _ingested(small_kb, tmp_path / "index")
    folder = _kept(root)
    damage = ["{not json", '{"query": "another query", "hits": [0]}', '{"hits": [99999]}']
    for path, junk in zip(sorted(folder.glob("*.json")), damage, strict=False):
        path.write_text(junk, encoding="utf-8")
    assert _search(KnowledgeIndex(root, (small_kb,))) == fresh


def test_an_unwritable_state_folder_still_answers(
    small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, fresh = _ingested(small_kb, tmp_path / "index")

    def refuse(path: Path, data: bytes, sync: bool = True) -> None:
        raise PermissionError(f"read-only: {path}")

    other = tmp_path / "other"
    ingest((small_kb,), other)
    monkeypatch.setattr(lexical_cache, "write_atomic", refuse)
    assert _search(KnowledgeIndex(other, (small_kb,))) == fresh
    assert not list(_kept(other).glob("*.json"))


def test_a_one_off_query_is_ranked_once_and_kept_in_memory_only(
    small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = _ingested(small_kb, tmp_path / "index")
    index = KnowledgeIndex(root, (small_kb,))
    kept = set(_kept(root).glob("*.json"))
    first = index.search("a one-off line about the price", k=3, mode="lexical", lasting=False)
    assert set(_kept(root).glob("*.json")) == kept
    monkeypatch.setattr(KnowledgeIndex, "_ranking", _no_ranking)
    filtered = SearchFilters(type=["objection"])  # another search, the same query: no ranking
    again = index.search(
        "a one-off line about the price", k=2, filters=filtered, mode="lexical", lasting=False
    )
    assert first[:2] == index.search("a one-off line about the price", k=2, mode="lexical")
    assert again and all(p.type == "objection" for p in again)


def test_a_query_is_split_into_the_words_bm25s_makes_of_it() -> None:
    """The retriever's own query splitter against bm25s's: the same stems, in the same order,
    on call lines, knowledge text and awkward input (accents, digits, apostrophes, empty)."""
    from evals.call_lines import distinct_lines
    from knowledge.retriever import _tokenize, query_words

    texts = [t for _, t in distinct_lines(400)]
    texts += ["", "a", "The 3 CFOs' budgets!", "Café déjà-vu: naïve résumé", "it's don't x1 42%"]
    docs = [p.read_text(encoding="utf-8") for p in sorted(knowledge_dir().rglob("*.md"))]
    texts += [d[:2000] for d in docs]
    # each paragraph too: enough texts whether or not ../shared's call corpus is there (without
    # it, distinct_lines gives only the sample calls' lines)
    texts += [para for d in docs for para in d.split("\n\n") if para.strip()]
    assert len(texts) > 400
    assert [query_words(t) for t in texts] == _tokenize(texts, return_ids=False)
