"""One place that says where knowledge comes from for a run: the index for the settings, and
the documents a response may cite (the index's, with the live plays on top). A workspace of
another seller than the shipped knowledge's does not see that seller's proof points and battle
cards (knowledge/seller.py)."""

from __future__ import annotations

from collections.abc import Iterable

from agent.memo import Held
from agent.settings import CoachContext
from knowledge.documents import KB_PREFIX, Document
from knowledge.plays import plays_by_id
from knowledge.retriever import KnowledgeIndex, knowledge_index
from knowledge.screening import withheld_passages
from knowledge.seller import foreign_seller, hidden_documents
from tools.sources import workspace_source


def index_for(ctx: CoachContext) -> KnowledgeIndex:
    hidden = hidden_documents(workspace_seller(ctx), ctx.knowledge_dirs, ctx.index_dir)
    return knowledge_index(ctx.index_dir, ctx.knowledge_dirs, ctx.chroma_url, hidden)


def workspace_seller(ctx: CoachContext) -> str | None:
    """Who sells in this workspace (`seller:` in workspace.yaml), when it says."""
    if not ctx.workspace.is_dir():
        return None
    seller = workspace_source(ctx.workspace).settings.get("seller")
    return str(seller) if seller else None


def other_seller(ctx: CoachContext) -> str | None:
    """The workspace's seller when the shipped knowledge is another company's."""
    return foreign_seller(workspace_seller(ctx))


def citable_documents(ctx: CoachContext) -> dict[str, Document]:
    """The index's documents with the plays on top: one mapping per loaded pair (read, never
    changed, like the two it joins), so a request does not join them again at every step."""
    indexed, plays = index_for(ctx).documents(), plays_by_id(ctx.plays_dir)
    return _CITABLE.get((indexed, plays), lambda: {**indexed, **plays})


_CITABLE: Held[dict[str, Document]] = Held(maxsize=16)


def withheld_knowledge(ctx: CoachContext, refs: Iterable[str]) -> frozenset[str]:
    """Passages of the cited knowledge that read like instructions to a model (a poisoned user
    folder): an answer citing them says they were withheld instead of repeating them."""
    docs = citable_documents(ctx)
    ids = {r.removeprefix(KB_PREFIX).split("#")[0] for r in refs if r.startswith(KB_PREFIX)}
    return withheld_passages(docs[i] for i in sorted(ids) if i in docs)


def known_competitors(ctx: CoachContext) -> tuple[str, ...]:
    """Competitors the knowledge base has battle cards for: names the reader looks for in
    free text, whatever the deal lists. Kept per loaded set of documents (an index version
    loads its documents once), so a request does not look through every document again."""
    indexed, plays = index_for(ctx).documents(), plays_by_id(ctx.plays_dir)
    kept = _COMPETITORS.get((id(indexed), id(plays)))
    if kept is not None and kept[0] is indexed and kept[1] is plays:
        return kept[2]
    names: list[str] = []
    for doc in {**indexed, **plays}.values():
        if doc.meta.get("type") == "battle_card":
            names += [str(n) for n in doc.meta.get("competitors", []) or []]
    found = tuple(dict.fromkeys(names))
    if len(_COMPETITORS) > 16:
        _COMPETITORS.clear()
    # the documents are held with the names, so their ids are not reused meanwhile
    _COMPETITORS[(id(indexed), id(plays))] = (indexed, plays, found)
    return found


_COMPETITORS: dict[tuple[int, int], tuple[object, object, tuple[str, ...]]] = {}
