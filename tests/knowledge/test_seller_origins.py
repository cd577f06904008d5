"""Which documents a workspace of another seller may not cite is read from the index when its
ingest recorded each document's origin, so a process does not parse the whole corpus for it;
an index from before that record still answers the same, from the parsed folders."""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.corpus import KNOWLEDGE_ROOT, corpus
from knowledge.ingest import ingest
from knowledge.seller import ORIGINS, SELLER_FACTS, hidden_documents, origins

SHIPPED = (KNOWLEDGE_ROOT,)


def _index(tmp_path: Path, record: object | None) -> Path:
    """An index folder whose current version holds `record` as its origins (None: none)."""
    index = tmp_path / "index"
    version = index / "v1"
    version.mkdir(parents=True)
    (version / "manifest.json").write_text("{}")  # what makes a version folder an index's
    (index / "CURRENT").write_text("v1")
    if record is not None:
        (version / ORIGINS).write_text(json.dumps(record))
    return index


def test_the_recorded_origins_give_the_same_hidden_documents_as_the_parsed_corpus(
    tmp_path: Path,
) -> None:
    parsed = hidden_documents("Acme Corp", SHIPPED)
    assert parsed, "the shipped knowledge has proof points and battle cards"
    index = _index(tmp_path, origins(corpus(SHIPPED).docs.values()))
    assert hidden_documents("Acme Corp", SHIPPED, index) == parsed
    assert hidden_documents(None, SHIPPED, index) == frozenset()


def test_the_index_record_is_what_is_read_and_a_user_document_stays(tmp_path: Path) -> None:
    record = {
        "format": 1,
        "documents": {
            "bc-a": {"type": "battle_card", "shipped": True},
            "pp-b": {"type": "proof_point", "shipped": False},  # the user's own, same id
            "obj-c": {"type": "objection", "shipped": True},
        },
    }
    assert hidden_documents("Acme Corp", SHIPPED, _index(tmp_path, record)) == {"bc-a"}


def test_an_index_without_a_readable_record_falls_back_to_the_corpus(tmp_path: Path) -> None:
    parsed = hidden_documents("Acme Corp", SHIPPED)
    assert hidden_documents("Acme Corp", SHIPPED, _index(tmp_path / "a", None)) == parsed
    bad = _index(tmp_path / "b", {"format": 99, "documents": {}})
    assert hidden_documents("Acme Corp", SHIPPED, bad) == parsed
    (bad / "v1" / ORIGINS).write_text("{not json")
    assert hidden_documents("Acme Corp", SHIPPED, bad) == parsed
    assert hidden_documents("Acme Corp", SHIPPED, tmp_path / "none") == parsed


def test_ingest_records_each_documents_type_and_origin(small_kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    report = ingest((small_kb,), root)
    record = json.loads((root / report.version / ORIGINS).read_text())
    docs = corpus((small_kb,)).docs
    assert record["documents"] == {
        i: {"type": d.meta["type"], "shipped": False} for i, d in docs.items()
    }
    assert any(d.meta["type"] in SELLER_FACTS for d in docs.values())
    assert hidden_documents("Acme Corp", (small_kb,), root) == frozenset()


def test_an_unchanged_ingest_records_the_origins_an_older_index_lacks(
    small_kb: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    first = ingest((small_kb,), root)
    (root / first.version / ORIGINS).unlink()  # as an index from before the record
    again = ingest((small_kb,), root)
    assert again.unchanged and again.version == first.version
    assert json.loads((root / first.version / ORIGINS).read_text())["documents"]
