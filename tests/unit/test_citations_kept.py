"""A knowledge ref's citation is described once per loaded set of documents: the same mapping
again gives the same citation, another mapping (another index version, a folder without the
document) resolves the ref against its own documents."""

from __future__ import annotations

from dataclasses import replace

from agent.grounding.citations import build_citations
from agent.retrieval import citable_documents
from agent.settings import CoachContext
from tests.factories import make_context


def test_knowledge_citations_are_kept_per_mapping_and_resolved_per_mapping() -> None:
    docs = citable_documents(CoachContext(outbox=None, memory=None))
    assert citable_documents(CoachContext(outbox=None, memory=None)) is docs
    doc_id = next(iter(docs))
    ref = f"kb:{doc_id}"
    ctx = make_context()
    (first,), broken = build_citations([ref, "kb:no-such-document"], ctx, docs)
    assert broken == ["kb:no-such-document"] and first.excerpt.startswith(docs[doc_id].title[:20])
    (again,), _ = build_citations([ref], ctx, docs)
    assert again is first
    without = {k: v for k, v in docs.items() if k != doc_id}
    assert build_citations([ref], ctx, without) == ([], [ref])
    doc = docs[doc_id]
    renamed = {**docs, doc_id: replace(doc, meta={**doc.meta, "title": "Renamed document"})}
    (other,), _ = build_citations([ref], ctx, renamed)
    assert other.excerpt == "Renamed document" != first.excerpt


def test_held_keeps_a_value_per_object_and_holds_the_object() -> None:
    from agent.memo import Held

    made: list[int] = []
    held: Held[int] = Held(maxsize=2)

    def compute() -> int:
        made.append(1)
        return len(made)

    first: dict[str, int] = {}
    assert held.get((first,), compute) == 1 and held.get((first,), compute) == 1
    ident = id(first)
    del first  # held with its value: no new mapping can take its id meanwhile
    other: dict[str, int] = {}
    assert id(other) != ident and held.get((other,), compute) == 2  # equal, not the same
    third: dict[str, int] = {}
    assert held.get((third,), compute) == 3 and held.get((other,), compute) == 4  # full: anew
