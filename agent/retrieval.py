"""One place that says where knowledge comes from for a run: the index for the settings, and
the documents a response may cite (the index's, with the live plays on top)."""

from __future__ import annotations

from collections.abc import Iterable

from agent.settings import CoachContext
from knowledge.documents import KB_PREFIX, Document
from knowledge.plays import plays_by_id
from knowledge.retriever import KnowledgeIndex, knowledge_index
from knowledge.screening import withheld_passages


def index_for(ctx: CoachContext) -> KnowledgeIndex:
    return knowledge_index(ctx.index_dir, ctx.knowledge_dirs, ctx.chroma_url)


def citable_documents(ctx: CoachContext) -> dict[str, Document]:
    return {**index_for(ctx).documents(), **plays_by_id(ctx.plays_dir)}


def withheld_knowledge(ctx: CoachContext, refs: Iterable[str]) -> frozenset[str]:
    """Passages of the cited knowledge that read like instructions to a model (a poisoned user
    folder): an answer citing them says they were withheld instead of repeating them."""
    docs = citable_documents(ctx)
    ids = {r.removeprefix(KB_PREFIX).split("#")[0] for r in refs if r.startswith(KB_PREFIX)}
    return withheld_passages(docs[i] for i in sorted(ids) if i in docs)


def known_competitors(ctx: CoachContext) -> tuple[str, ...]:
    """Competitors the knowledge base has battle cards for: names the reader looks for in
    free text, whatever the deal lists."""
    names: list[str] = []
    for doc in citable_documents(ctx).values():
        if doc.meta.get("type") == "battle_card":
            names += [str(n) for n in doc.meta.get("competitors", []) or []]
    return tuple(dict.fromkeys(names))
