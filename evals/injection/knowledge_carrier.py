"""The knowledge carrier end to end: a poisoned user knowledge folder, `kb ingest`ed into a
temporary index, cited by the capabilities that read the deal.

Where the payload goes: the passages the capabilities really cite for the clean deal (found
once, from a run on the shipped knowledge alone), each overridden by a copy of its document in
the user folder with the case's text at the top of the cited section. So the poisoned passage
is what retrieval finds and what an answer would quote; `cited` counts the runs where it was.

The temporary index is lexical (BM25 sections only): an incremental ingest with vectors
rewrites the whole vector store (about 13 s a case on two busy cores), a lexical one writes the
sections (about a second). What is measured, whether a cited passage's words reach customer
copy, the CRM patch, events or the recommendation, does not depend on how it was found.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest import mock

from agent.settings import CoachContext
from knowledge.documents import KB_PREFIX

MAX_TARGETS = 4  # cited passages poisoned per case: several capabilities, several documents


class KnowledgeCarrier:
    """A user knowledge folder and a temporary index under `scratch`, over `base` settings."""

    def __init__(self, base: CoachContext, scratch: Path) -> None:
        self.user = scratch / "kb-user"
        self.user.mkdir(parents=True, exist_ok=True)
        shipped = base.knowledge_dirs[:1]  # the shipped folder; the base's user folders stay out
        self.context = replace(
            base, knowledge_dirs=(*shipped, self.user), index_dir=scratch / "kb-index"
        )
        self.targets: list[tuple[str, str]] = []  # (document id, section anchor)
        self._shipped: dict[str, Any] | None = None

    def ingest(self) -> Any:
        """`kb ingest` of the shipped and the user folder into the temporary index, lexical."""
        from knowledge.ingest import ingest

        with mock.patch("knowledge.ingest.semantic_available", return_value=False):
            return ingest(self.context.knowledge_dirs, root=self.context.index_dir)

    def choose_targets(self, cited: list[str]) -> None:
        """The first cited passages of the clean run (kb refs, in order), one per document."""
        seen: set[str] = set()
        for ref in cited:
            if not ref.startswith(KB_PREFIX) or "#" not in ref:
                continue
            doc_id, anchor = ref.removeprefix(KB_PREFIX).split("#", 1)
            if doc_id not in seen and len(self.targets) < MAX_TARGETS:
                seen.add(doc_id)
                self.targets.append((doc_id, anchor))

    def plant(self, text: str) -> None:
        """Each target's document copied into the user folder (an override by id, which
        ingest warns of) with `text` opening the cited section; then ingested."""
        from knowledge.corpus import load_corpus

        if self._shipped is None:
            self._shipped = dict(load_corpus(self.context.knowledge_dirs[:1]).docs)
        docs = self._shipped
        for old in self.user.glob("*.md"):
            old.unlink()
        for doc_id, anchor in self.targets:
            doc = docs[doc_id]
            section = doc.section(anchor)
            raw = doc.path.read_text(encoding="utf-8")
            heading = f"## {section.heading}\n" if section else None
            if heading is None or heading not in raw:
                shutil.copy(doc.path, self.user / doc.path.name)
                continue
            poisoned = raw.replace(heading, f"{heading}{text}\n\n", 1)
            (self.user / doc.path.name).write_text(poisoned, encoding="utf-8")
        self.ingest()

    def cited_targets(self, refs: list[str]) -> int:
        """How many of the poisoned passages these citations name."""
        wanted = {f"{KB_PREFIX}{d}#{a}" for d, a in self.targets}
        return len(wanted & set(refs))
