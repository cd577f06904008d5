"""Ingest is incremental and atomic; retrieval is hybrid, filtered and cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import chroma as chroma_module
from knowledge.ingest import ingest
from knowledge.retriever import KnowledgeIndex, SearchFilters
from knowledge.store import IndexStore
from tools.knowledge_tools import build_knowledge_tool


def test_ingest_is_incremental_and_idempotent(small_kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = ingest((small_kb,), root)
    assert not first.unchanged and first.documents == 3
    assert first.embedded == first.chunks and first.reused == 0
    again = ingest((small_kb,), root)
    assert again.unchanged and again.version == first.version
    path = small_kb / "obj-security.md"
    path.write_text(path.read_text().replace("bring the security pack", "offer a review call"))
    third = ingest((small_kb,), root)
    assert third.changed == ["obj-security"] and third.version != first.version
    assert 0 < third.embedded < third.chunks and third.reused == third.chunks - third.embedded
    (small_kb / "bc-rivalco.md").unlink()
    assert ingest((small_kb,), root).removed == ["bc-rivalco"]


def test_failed_ingest_leaves_the_previous_index_in_use(
    small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "index"
    good = ingest((small_kb,), root)
    (small_kb / "obj-price.md").write_text((small_kb / "obj-price.md").read_text() + "\nMore.\n")

    def broken_client(folder: Path | None, url: str | None, database: str | None = None) -> object:
        raise RuntimeError("disk full")

    monkeypatch.setattr(chroma_module, "chroma_client", broken_client)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest((small_kb,), root)
    assert IndexStore(root).current_version == good.version
    monkeypatch.undo()
    index = KnowledgeIndex(root, (small_kb,))
    assert index.search("price too high", k=1, mode="hybrid")[0].doc_id == "obj-price"


def test_invalid_file_aborts_before_touching_the_index(small_kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    good = ingest((small_kb,), root)
    (small_kb / "obj-price.md").write_text("---\nid: obj-price\n---\n")
    with pytest.raises(Exception, match="obj-price.md"):
        ingest((small_kb,), root)
    assert IndexStore(root).current_version == good.version


@pytest.mark.parametrize("mode", ["lexical", "vector", "hybrid"])
def test_search_modes_find_the_right_passage_with_stable_refs(
    small_kb: Path, tmp_path: Path, mode: str
) -> None:
    root = tmp_path / "index"
    ingest((small_kb,), root)
    index = KnowledgeIndex(root, (small_kb,))
    hits = index.search("they think keeping data on premises is safer", k=3, mode=mode)  # type: ignore[arg-type]
    assert hits[0].doc_id == "obj-security"
    assert all(h.ref.startswith(f"kb:{h.doc_id}#") for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_filters_apply_to_both_lists(small_kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    ingest((small_kb,), root)
    index = KnowledgeIndex(root, (small_kb,))
    for mode in ("lexical", "vector", "hybrid"):
        only_cards = index.search(
            "implementations", k=5, filters=SearchFilters(type=["battle_card"]), mode=mode
        )  # type: ignore[arg-type]
        assert only_cards and {h.type for h in only_cards} == {"battle_card"}
        rival = index.search("licence", k=5, filters=SearchFilters(competitor="Rivalco"), mode=mode)  # type: ignore[arg-type]
        assert {h.doc_id for h in rival} == {"bc-rivalco"}
        staged = index.search(
            "data residency encryption",
            k=20,
            filters=SearchFilters(stage="solution", persona="technical_evaluator"),
            mode=mode,
        )  # type: ignore[arg-type]
        assert {h.doc_id for h in staged} == {"obj-security"}


def test_lexical_search_works_before_any_ingest(small_kb: Path, tmp_path: Path) -> None:
    index = KnowledgeIndex(tmp_path / "never-built", (small_kb,))
    assert not index.built
    assert index.search("Rivalco licences", k=1, mode="lexical")[0].doc_id == "bc-rivalco"
    with pytest.raises(Exception, match="coach kb ingest"):
        index.search("Rivalco", mode="hybrid")


def test_a_new_ingest_is_picked_up_by_an_open_index(small_kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    ingest((small_kb,), root)
    index = KnowledgeIndex(root, (small_kb,))
    assert not index.search("zebra crossings", mode="lexical")
    path = small_kb / "bc-rivalco.md"
    path.write_text(path.read_text().replace("## Overview\n", "## Overview\nZebra crossings.\n"))
    ingest((small_kb,), root)
    assert index.search("zebra crossings", k=1, mode="lexical")[0].doc_id == "bc-rivalco"


def test_search_knowledge_tool(small_kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    ingest((small_kb,), root)
    tool = build_knowledge_tool(KnowledgeIndex(root, (small_kb,)))
    hits = tool.invoke({"query": "over budget", "k": 2, "type": ["objection"]})
    assert hits[0]["ref"].startswith("kb:obj-price#")
    message = build_knowledge_tool(KnowledgeIndex(tmp_path / "none", (small_kb,))).invoke(
        {"query": "over budget", "mode": "vector"}
    )
    assert "coach kb ingest" in message


def test_index_documents_keep_front_matter_values(small_kb: Path, tmp_path: Path) -> None:
    before = KnowledgeIndex(tmp_path / "never-built", (small_kb,)).documents()
    ingest((small_kb,), tmp_path / "index")
    after = KnowledgeIndex(tmp_path / "index", (small_kb,)).documents()
    for docs in (before, after):
        assert docs["obj-price"].meta["category"] == "price"  # a user's objection, not shipped
        assert docs["bc-rivalco"].meta["competitors"] == ["Rivalco"]


def test_versions_sort_in_creation_order_within_one_second(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    made = [store.new_version()[0] for _ in range(6)]
    assert sorted(made) == made
