"""Units of retrieval. A section (`kb:doc#anchor`) is what gets cited; long sections are split
into token-bounded chunks for the embedding model, which reads at most 256 word pieces."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge.corpus import Corpus
from knowledge.documents import Document

CHUNK_TOKENS = 200  # tiktoken o200k tokens; leaves head-room under MiniLM's 256 word pieces
# Changes whenever chunking changes, so an ingest re-embeds instead of reusing stale chunks.
CHUNKER = f"sections+title/{CHUNK_TOKENS}"
FILTER_FIELDS = ("stages", "personas", "competitors", "methodology")


def flag_token(value: str) -> str:
    """How a front-matter value is normalised in flags ('In-house build' -> 'in_house_build')."""
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


def flag(field: str, value: str) -> str:
    """Chroma metadata holds scalars, so list fields become one boolean key per value."""
    return f"{field}__{flag_token(value)}"


@dataclass(frozen=True)
class SectionRecord:
    ref: str
    doc_id: str
    anchor: str
    type: str
    title: str
    heading: str
    text: str
    flags: tuple[str, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def searchable(self) -> str:
        return f"{self.title}. {self.heading}. {self.text}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SectionRecord:
        return cls(**{**data, "flags": tuple(data["flags"])})


def plain_meta(doc: Document) -> dict[str, Any]:
    """The document's simple front-matter values (category, competitors, industry ...), so
    that readers of the index need not go back to the files; plus when it was last verified
    and where its figures come from, which the coach needs to judge what it may quote."""
    plain = {
        k: v
        for k, v in doc.meta.items()
        if isinstance(v, str | int | float)
        or (isinstance(v, list) and all(isinstance(x, str) for x in v))
    }
    if isinstance(verified := doc.meta.get("last_verified"), dt.date):
        plain["last_verified"] = verified.isoformat()
    if sources := doc.meta.get("sources"):
        plain["sources"] = [
            {"source": str(s["source"]), "figures": [str(f) for f in s["figures"]]} for s in sources
        ]
    return plain


def _flags(doc: Document) -> tuple[str, ...]:
    return tuple(flag(f, str(v)) for f in FILTER_FIELDS for v in doc.meta.get(f, []))


def section_records(corpus: Corpus) -> list[SectionRecord]:
    records = []
    for doc in corpus.docs.values():
        flags = _flags(doc)
        meta = plain_meta(doc)
        extra = " ".join(doc.meta.get("phrasings", []))  # how customers say an objection
        for section in doc.sections:
            text = (
                section.text
                if section.anchor != doc.sections[0].anchor or not extra
                else (f"{section.text}\n\nCustomers say: {extra}")
            )
            records.append(
                SectionRecord(
                    ref=doc.ref(section.anchor),
                    doc_id=doc.id,
                    anchor=section.anchor,
                    type=str(doc.meta["type"]),
                    title=doc.title,
                    heading=section.heading,
                    text=text,
                    flags=flags,
                    meta=meta,
                )
            )
    return records


@dataclass(frozen=True)
class Chunk:
    id: str
    ref: str
    text: str


def _pieces(text: str) -> list[str]:
    """Paragraphs and list items, then sentences for anything still too long."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", text) if b.strip()]
    out: list[str] = []
    for block in blocks:
        out += [s for s in re.split(r"(?<=[.!?])\s+", block) if s] if len(block) > 900 else [block]
    return out


def chunk_records(records: list[SectionRecord], max_tokens: int = CHUNK_TOKENS) -> list[Chunk]:
    from agent.model.tokens import count_tokens

    chunks: list[Chunk] = []
    for rec in records:
        prefix = f"{rec.title}. {rec.heading}. "
        budget = max_tokens - count_tokens(prefix)
        current: list[str] = []
        size = 0
        parts: list[str] = []
        for piece in _pieces(rec.text):
            tokens = count_tokens(piece)
            if current and size + tokens > budget:
                parts.append("\n".join(current))
                current, size = [], 0
            current.append(piece)
            size += tokens
        if current or not parts:
            parts.append("\n".join(current))
        for i, part in enumerate(parts):
            chunks.append(Chunk(id=f"{rec.ref}~{i}", ref=rec.ref, text=prefix + part))
        # A short "what this section is" chunk: questions often paraphrase the heading.
        chunks.append(Chunk(id=f"{rec.ref}~title", ref=rec.ref, text=prefix.strip()))
    return chunks
