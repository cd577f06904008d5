"""Retrieval quality gate on the shipped knowledge and its authored question set."""

from __future__ import annotations

import pytest

from agent.retrieval import index_for
from agent.settings import CoachContext
from evals.retrieval_report import evaluate, load_cases
from knowledge.corpus import load_corpus
from knowledge.store import file_hash


def test_cases_point_at_real_documents_and_sections() -> None:
    corpus = load_corpus()
    refs = {d.ref(s.anchor) for d in corpus.docs.values() for s in d.sections}
    cases = load_cases()
    assert len(cases) >= 80 and len({c.id for c in cases}) == len(cases)
    for case in cases:
        assert case.expect_docs or case.expect_refs
        assert set(case.expect_docs) <= set(corpus.docs), case.id
        assert set(case.expect_refs) <= refs, case.id


def test_hybrid_recall_at_5_meets_the_target() -> None:
    ctx = CoachContext()
    index = index_for(ctx)
    manifest = index.store.manifest()
    corpus = load_corpus(ctx.knowledge_dirs)
    if manifest is None or manifest.doc_hashes != {
        d: file_hash(doc.path) for d, doc in corpus.docs.items()
    }:
        pytest.fail(
            f"the knowledge index at {ctx.index_dir} is missing or stale: run "
            "`coach kb ingest` (make test does it)"
        )
    report = evaluate(index, load_cases())
    assert report["modes"]["hybrid"]["recall@5"] >= 0.9
    assert report["modes"]["lexical"]["recall@5"] >= 0.8
