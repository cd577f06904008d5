"""Knowledge a user adds is input like any other: its passages are scanned for instructions
meant for a model when it is ingested, in full, and each one found is warned with its place
(`kb:<doc>#<section>`). The shipped folder is authored and reviewed in the repository, so it
is not scanned at every ingest (tests/test_injection_suite.py checks it reads clean).

A passage that reads like instructions is still indexed: the detector is evidence, and the
passage stays data wherever it is used."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from agent.model.injection import Suspect, suspects
from knowledge.documents import KB_PREFIX, Document


def passages(doc: Document) -> Iterator[tuple[str, str]]:
    """(ref, text) of the document's title and every section, heading included."""
    yield f"{KB_PREFIX}{doc.id}", doc.title
    for s in doc.sections:
        yield f"{KB_PREFIX}{doc.id}#{s.anchor}", f"{s.heading}\n{s.text}"


def suspected_passages(docs: Iterable[Document]) -> list[Suspect]:
    return suspects(ref_text for doc in docs for ref_text in passages(doc))
