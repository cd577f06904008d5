"""Grounds kept between requests, each with the object it was read from: a knowledge
document's (per loaded document), a set of cited documents' (per set), the input's (per context
object, and on disk beside a deal in a batch run), a deal reading's and an analysis's (per
object), and the agent's own words (once).

A warm request about an unchanged deal draws on the same objects, so nothing here is walked
again; each memo checks it still holds the same object, so a reloaded document or a new deal
version is read anew.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import partial

from agent.contracts.context import DealContext
from agent.contracts.rep import RepContext
from agent.grounding.grounds import Grounds, grounds_of
from agent.grounding.text_scan import words
from agent.grounding.vocabulary import AGENT_WORDS
from agent.memo import PerObject
from knowledge.documents import Document
from knowledge.trust import trust_texts

_DOC_GROUNDS: dict[int, tuple[Document, Grounds]] = {}
_TEXT_GROUNDS: dict[str, Grounds] = {}


def document_grounds(doc: Document) -> Grounds:
    """A knowledge document's words, numbers and dates, with what its front matter says about
    where they come from (owner, last verified, sources); computed once per loaded document."""
    cached = _DOC_GROUNDS.get(id(doc))
    if cached and cached[0] is doc:
        return cached[1]
    texts = [doc.title, *(s.heading + " " + s.text for s in doc.sections)]
    grounds = grounds_of([*texts, *trust_texts(doc.meta)])
    _DOC_GROUNDS[id(doc)] = (doc, grounds)
    return grounds


_CITED: OrderedDict[tuple[int, ...], tuple[tuple[Document, ...], Grounds]] = OrderedDict()
_CITED_LOCK = threading.Lock()
_EMPTY = Grounds(frozenset(), frozenset(), frozenset())


def cited_grounds(docs: Iterable[Document]) -> Grounds:
    """The union of some documents' grounds, kept per set of loaded documents: an index
    version loads each document once, so the same citations reuse the same union."""
    held = tuple(sorted(docs, key=lambda d: d.id))
    key = tuple(id(d) for d in held)
    with _CITED_LOCK:
        cached = _CITED.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], held, strict=True)):
            _CITED.move_to_end(key)
            return cached[1]
    grounds = _EMPTY
    for doc in held:
        grounds = grounds | document_grounds(doc)
    with _CITED_LOCK:  # the documents are held with it, so their ids are not reused meanwhile
        _CITED[key] = (held, grounds)
        while len(_CITED) > 256:
            _CITED.popitem(last=False)
    return grounds


def text_grounds(text: str) -> Grounds:
    if text not in _TEXT_GROUNDS:
        _TEXT_GROUNDS[text] = grounds_of([text])
    return _TEXT_GROUNDS[text]


# The agent's own wording (vocabulary.py): a short explicit list, never its source code.
AGENT_GROUNDS = Grounds(frozenset(words(" ".join(AGENT_WORDS))), frozenset(), frozenset())


# Kept per context and reading object, and on disk beside them in a batch run (the deal
# cache, tools/deal_cache.py): a deal unchanged since the last run is not walked again.
_INPUT_GROUNDS: PerObject[Grounds] = PerObject(kept="input_grounds", kind=Grounds)
READING_GROUNDS: PerObject[Grounds] = PerObject(kept="reading_grounds", kind=Grounds)


def input_grounds(ctx: DealContext | RepContext) -> tuple[Grounds, ...]:
    """The input's grounds: a deal's kept per context object; a rep's material is made anew
    on every request, but each of its deals is the workspace's object for that deal version,
    so each deal's grounds are kept with it and only the rest (the rep, analytics, history,
    calls) is walked."""
    if not isinstance(ctx, RepContext):
        return (_INPUT_GROUNDS.get(ctx, None, lambda: grounds_of([ctx])),)
    deals = tuple(_INPUT_GROUNDS.get(d, None, partial(grounds_of, [d])) for d in ctx.deals)
    return (*deals, grounds_of(["deals", ctx.model_dump(mode="json", exclude={"deals"})]))


# An analysis is kept per deal version and date (agent/analysis/kept.py): its grounds with it,
# and on disk beside it when it has a home (a batch run's analysis of an unchanged deal).
KEPT_GROUNDS: PerObject[Grounds] = PerObject(kept="kept_grounds", kind=Grounds)
