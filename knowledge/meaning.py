"""Which knowledge documents a short text is closest to in meaning, among the few hundred
sections a filter keeps (the objection library's, say).

Why not the vector store's query: asked once per text, it costs about 12 ms on a filter of
this size, against 4 ms for embedding the text; a debrief asks it for every objection whose
words match none of its category's (agent/capabilities/live_assist/engine.py), and a long
call has dozens. Here the filtered sections' vectors are read from the store once per index
version and filter, and ranked exactly against the text's vector (a dot product over unit
vectors: cosine, as the store ranks them).
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import partial
from typing import TYPE_CHECKING, Any

from agent.memo import Recent

if TYPE_CHECKING:
    from knowledge.retriever import KnowledgeIndex, SearchFilters

_Key = tuple[int, str | None, str]  # the store, the index version, the filter
# the filtered sections' document ids and their vectors as rows; and a text's ranking (a call
# says the same objection again, in the same words)
_VECTORS: Recent[_Key, tuple[list[str], Any]] = Recent(maxsize=8)
_RANKED: Recent[tuple[_Key, str], tuple[str, ...]] = Recent(maxsize=1024)


def closest_documents(index: KnowledgeIndex, text: str, filters: SearchFilters) -> list[str]:
    """The ids of the documents whose sections `filters` keeps, the closest in meaning to
    `text` first (by their closest section); none without the embedding weights or an index
    built with them, or when the store no longer holds the version (a newer ingest pruned it:
    the next request reads the new one)."""
    if index.effective_mode("hybrid") != "hybrid":
        return []
    from chromadb.errors import NotFoundError

    index.refresh()
    key = (id(index.store), index.version, filters.model_dump_json())
    try:
        docs, rows = _VECTORS.get(key, partial(_vectors, index, filters))
    except NotFoundError:
        return []
    if not docs:
        return []
    return list(_RANKED.get((key, text), partial(_ranked, text, docs, rows)))


def _ranked(text: str, docs: list[str], rows: Any) -> tuple[str, ...]:
    import numpy as np

    from knowledge.embeddings import minilm

    scores = rows @ minilm().embed([text])[0]
    return tuple(dict.fromkeys(docs[i] for i in np.argsort(-scores, kind="stable")))


def _vectors(index: KnowledgeIndex, filters: SearchFilters) -> tuple[list[str], Any]:
    import numpy as np

    from knowledge.chroma import answering
    from knowledge.store import require_current

    collection = index.store.collection(require_current(index.store))
    with answering(index.chroma_url) if index.chroma_url else nullcontext():
        found = collection.get(where=filters.chroma_where(), include=["embeddings", "metadatas"])
    at = index.positions_by_ref()
    kept = [
        (index.records[at[m["ref"]]].doc_id, e)
        for m, e in zip(found["metadatas"], found["embeddings"], strict=True)
        if m["ref"] in at  # a hidden document's sections are not searched
    ]
    rows = np.asarray([e for _, e in kept], dtype=np.float32).reshape(len(kept), -1)
    return [d for d, _ in kept], rows
