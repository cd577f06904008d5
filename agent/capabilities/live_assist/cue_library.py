"""What a live cue card is made of before the meeting, and where its words are read from.

A Cue is a card body prepared at construction (the trigger is added at run time); Library reads
knowledge sections by document id and anchor with the deal's facts filled in. Kept apart from
the engine so the card bodies (card_bodies.py) and the per-utterance engine (engine.py) share one
definition. Knowledge lines that put words in the customer's mouth ("You told us ...") are left
out by `clean`: the deal may not hold them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agent.capabilities.common.playbook import fill, list_items, paragraph
from agent.reading.talk_cues import sentences
from knowledge.corpus import corpus
from knowledge.retriever import KnowledgeIndex

_ATTRIBUTED = re.compile(r"^(?:You|Your team) (?:told|said|mentioned|chose|ranked)\b")


@dataclass(frozen=True)
class Cue:
    """A card body prepared before the meeting; only the trigger is added at run time."""

    title: str
    say: str
    points: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()

    def add(self, point: str, *refs: str) -> Cue:
        """The point with its sources, or the card unchanged when the knowledge had none."""
        if not point:
            return self
        return Cue(self.title, self.say, (*self.points, point), (*self.citations, *refs))

    def cite(self, *refs: str) -> Cue:
        return Cue(self.title, self.say, self.points, (*self.citations, *refs))


@lru_cache(maxsize=8192)
def clean(text: str) -> str:
    """Markdown emphasis and quotes off; sentences attributing words to the customer out.
    Cached by the text: an engine is built per analysis (each new call's debrief), from the
    same knowledge lines."""
    kept = [s for s in sentences(text.replace("**", "")) if not _ATTRIBUTED.match(s.strip('"“'))]
    return " ".join(kept).strip().strip('"“”').strip()


@dataclass
class Library:
    """Knowledge sections by document id and anchor, deal facts filled into placeholders."""

    index: KnowledgeIndex
    values: dict[str, str]

    def __post_init__(self) -> None:
        self.docs = self.index.documents()
        self.meta = {d: f.meta for d, f in corpus(self.index.folders).docs.items()}

    def text(self, doc_id: str, anchor: str) -> str:
        doc = self.docs.get(doc_id)
        section = doc.section(anchor) if doc else None
        return fill(section.text, self.values) if section else ""

    def items(self, doc_id: str, anchor: str) -> list[str]:
        return list(_items(self.text(doc_id, anchor)))

    def steps(self, doc_id: str) -> dict[str, str]:
        """Acknowledge / Reframe / Respond lines of an objection."""
        pairs = (i.partition(":") for i in self.items(doc_id, "acknowledge-reframe-respond"))
        return {k.strip().lower(): c for k, _, v in pairs if (c := clean(v))}

    def find(self, doc_id: str, anchor: str, word: str) -> str:
        """The first list item or sentence of a section containing `word`, cleaned."""
        text = paragraph(self.text(doc_id, anchor))
        found = (p for p in [*self.items(doc_id, anchor), *sentences(text)] if word in p)
        return clean(next(found, ""))

    def first_sentence(self, doc_id: str, anchor: str) -> str:
        return _first_sentence(self.text(doc_id, anchor))


# By the filled text, which holds everything they depend on (the section and the deal's facts).
@lru_cache(maxsize=4096)
def _items(text: str) -> tuple[str, ...]:
    return tuple(c for i in list_items(text) if (c := clean(i)))


@lru_cache(maxsize=4096)
def _first_sentence(text: str) -> str:
    return next(iter(sentences(paragraph(text))), "")
