"""One place that says where knowledge comes from for a run: the index for the settings, and
the documents a response may cite (the index's, with the live plays on top). A workspace of
another seller than the shipped knowledge's does not see that seller's proof points and battle
cards (knowledge/seller.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path

from agent.memo import Held
from agent.settings import CoachContext
from knowledge.documents import KB_PREFIX, Document
from knowledge.plays import plays_by_id
from knowledge.retriever import KnowledgeIndex, knowledge_index
from knowledge.screening import withheld_passages
from knowledge.seller import foreign_seller, hidden_documents
from tools.sources import workspace_source


def index_for(ctx: CoachContext) -> KnowledgeIndex:
    """The knowledge index for these settings. Asked for about six times a request (each
    lookup of the citable documents): within `one_run` it is found once, so one request reads
    one index version, even while an ingest makes a newer one current."""
    run = _RUN.get()
    key = ("index", ctx.index_dir, ctx.knowledge_dirs, ctx.chroma_url, ctx.workspace)
    found = run.get(key) if run is not None else None
    if isinstance(found, KnowledgeIndex):
        return found
    hidden = hidden_documents(workspace_seller(ctx), ctx.knowledge_dirs, ctx.index_dir)
    index = knowledge_index(ctx.index_dir, ctx.knowledge_dirs, ctx.chroma_url, hidden)
    if run is not None:
        run[key] = index
    return index


def workspace_seller(ctx: CoachContext) -> str | None:
    """Who sells in this workspace (`seller:` in workspace.yaml), when it says. Asked about
    seven times a request (every index lookup hides what another seller's workspace must not
    see): within `one_run` it is read once, so one request sees one answer."""
    run = _RUN.get()
    if run is None:
        return _seller(ctx.workspace)
    if ctx.workspace not in run:
        run[ctx.workspace] = _seller(ctx.workspace)
    seller = run[ctx.workspace]
    return seller if isinstance(seller, str) else None


def _seller(workspace: Path) -> str | None:
    if not workspace.is_dir():
        return None
    seller = workspace_source(workspace).settings.get("seller")
    return str(seller) if seller else None


# What the current run (a request) found once: the workspaces' sellers, by workspace folder,
# and the knowledge indexes, by ("index", their settings).
_RUN: ContextVar[dict[Hashable, object] | None] = ContextVar("coach_run_found", default=None)


@contextlib.contextmanager
def one_run() -> Iterator[None]:
    """The block of one request (agent/service.py): the workspace's seller is read and the
    knowledge index found once in it, and anew in the next, so an edited workspace.yaml or a
    newer ingest is seen by the next request."""
    token = _RUN.set({})
    try:
        yield
    finally:
        _RUN.reset(token)


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
    folder): an answer citing them says they were withheld instead of repeating them. Kept per
    loaded set of documents and cited ids: the documents are read, never changed, so a request
    need not rebuild and hash every cited section's text again."""
    docs = citable_documents(ctx)
    ids = tuple(
        sorted({r.removeprefix(KB_PREFIX).split("#")[0] for r in refs if r.startswith(KB_PREFIX)})
    )
    per_ids = _WITHHELD.get((docs,), dict)
    found = per_ids.get(ids)
    if found is None:
        if len(per_ids) >= 256:
            per_ids.clear()
        found = per_ids[ids] = withheld_passages(docs[i] for i in ids if i in docs)
    return found


_WITHHELD: Held[dict[tuple[str, ...], frozenset[str]]] = Held(maxsize=16)


def known_competitors(ctx: CoachContext) -> tuple[str, ...]:
    """Competitors the knowledge base has battle cards for: names the reader looks for in
    free text, whatever the deal lists. Kept per loaded set of documents (an index version
    loads its documents once), so a request does not look through every document again."""
    indexed, plays = index_for(ctx).documents(), plays_by_id(ctx.plays_dir)
    return _COMPETITORS.get((indexed, plays), lambda: _competitors({**indexed, **plays}))


def _competitors(docs: dict[str, Document]) -> tuple[str, ...]:
    names: list[str] = []
    for doc in docs.values():
        if doc.meta.get("type") == "battle_card":
            names += [str(n) for n in doc.meta.get("competitors", []) or []]
    return tuple(dict.fromkeys(names))


_COMPETITORS: Held[tuple[str, ...]] = Held(maxsize=16)
