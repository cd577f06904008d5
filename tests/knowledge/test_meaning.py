"""knowledge/meaning.py: the documents closest in meaning, ranked exactly over a filter's
sections, in the order the vector store's own query gives (its index is approximate; on a few
hundred sections it finds the same neighbours)."""

from __future__ import annotations

import pytest

from agent.retrieval import index_for
from agent.settings import CoachContext
from knowledge.meaning import closest_documents
from knowledge.retriever import SearchFilters

INDEX = index_for(CoachContext())
OBJECTIONS = SearchFilters(type=["objection"])
TEXTS = (
    "He decides in the January budget round.",
    "Honestly, the team is stretched until spring.",
    "Legal won't accept your liability cap.",
    "Our data can't leave the EU.",
)


@pytest.mark.skipif(INDEX.effective_mode("hybrid") != "hybrid", reason="no embedded index")
@pytest.mark.parametrize("text", TEXTS)
def test_the_closest_documents_are_the_vector_stores_nearest(text: str) -> None:
    ranked = closest_documents(INDEX, text, OBJECTIONS)
    passages = INDEX.search(text, k=60, filters=OBJECTIONS, mode="vector")
    stores = list(dict.fromkeys(p.doc_id for p in passages))
    assert ranked[:3] == stores[:3]
    library = INDEX.documents().items()
    assert set(ranked) == {d for d, doc in library if doc.meta.get("type") == "objection"}


def test_without_an_embedded_index_nothing_is_close(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(INDEX, "effective_mode", lambda mode: "lexical")
    assert closest_documents(INDEX, TEXTS[0], OBJECTIONS) == []
