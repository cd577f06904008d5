"""Knowledge a user adds is input like any other: its passages are scanned for instructions
meant for a model when it is ingested, in full, and each one found is warned with its place
(`kb:<doc>#<section>`). The shipped folder is authored and reviewed in the repository, so it
is not scanned at every ingest (tests/test_injection_suite.py checks it reads clean).

A passage that reads like instructions is still indexed: the detector is evidence, and the
passage stays data wherever it is used."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from agent.model.injection import Suspect, passages_to_withhold, suspects
from knowledge.documents import KB_PREFIX, Document


def passages(doc: Document) -> Iterator[tuple[str, str]]:
    """(ref, text) of the document's title and every section, heading included."""
    yield f"{KB_PREFIX}{doc.id}", doc.title
    for s in doc.sections:
        yield f"{KB_PREFIX}{doc.id}#{s.anchor}", f"{s.heading}\n{s.text}"


def suspected_passages(docs: Iterable[Document]) -> list[Suspect]:
    return suspects(ref_text for doc in docs for ref_text in passages(doc))


@lru_cache(maxsize=4096)
def _withheld(ref: str, text: str) -> frozenset[str]:
    return frozenset(passages_to_withhold(text)) if suspects([(ref, text)]) else frozenset()


def withheld_passages(docs: Iterable[Document]) -> frozenset[str]:
    """What an answer citing these documents must not repeat: the passages that read like
    instructions to a model (scanned once per passage text)."""
    return frozenset().union(*(_withheld(ref, text) for doc in docs for ref, text in passages(doc)))
