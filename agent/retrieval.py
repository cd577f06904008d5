"""One place that says where knowledge comes from for a run: the index for the settings, and
the documents a response may cite (the index's, with the live plays on top)."""

from __future__ import annotations

from agent.settings import CoachContext
from knowledge.documents import Document
from knowledge.plays import plays_by_id
from knowledge.retriever import KnowledgeIndex, knowledge_index


def index_for(ctx: CoachContext) -> KnowledgeIndex:
    return knowledge_index(ctx.index_dir, ctx.knowledge_dirs, ctx.chroma_url)


def citable_documents(ctx: CoachContext) -> dict[str, Document]:
    return {**index_for(ctx).documents(), **plays_by_id(ctx.plays_dir)}


def known_competitors(ctx: CoachContext) -> tuple[str, ...]:
    """Competitors the knowledge base has battle cards for: names the reader looks for in
    free text, whatever the deal lists."""
    names: list[str] = []
    for doc in citable_documents(ctx).values():
        if doc.meta.get("type") == "battle_card":
            names += [str(n) for n in doc.meta.get("competitors", []) or []]
    return tuple(dict.fromkeys(names))
