"""`coach kb ingest`: validate every file, then index only what changed.

A cold ingest spends most of its half minute embedding, so `ingest` reports progress through
an optional callback, `progress(stage, done, total)`, in three stages:

- "documents": knowledge files parsed and validated (total: the files in the folders);
- "chunks": chunks ready to index, embedded now or reused from the previous version (total:
  every chunk; the reused ones count at once, the others batch by batch);
- "store": chunks written to the vector store.

`done` only grows within a stage and ends at `total`. The CLI draws it as a progress bar
(agent/interfaces/cli/kb.py); tests and other callers may pass any function or nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from agent.model.injection import Suspect
from knowledge.chroma import collection_for
from knowledge.corpus import KNOWLEDGE_ROOT, load_corpus
from knowledge.documents import Document
from knowledge.embeddings import DIMENSIONS, semantic_available
from knowledge.process_record import PROCESSES, stage_models
from knowledge.screening import suspected_passages
from knowledge.sections import CHUNKER, Chunk, chunk_records, section_records
from knowledge.seller import ORIGINS, origins
from knowledge.server_store import ServerIndexStore, open_store
from knowledge.store import (
    LEXICAL_ONLY,
    MODEL_ID,
    Built,
    IndexStore,
    Manifest,
    file_hash,
    write_record,
)

log = logging.getLogger(__name__)

Stage = Literal["documents", "chunks", "store"]
STAGES: tuple[Stage, ...] = ("documents", "chunks", "store")


class Progress(Protocol):
    def __call__(self, stage: Stage, done: int, total: int) -> None: ...


def _silent(stage: Stage, done: int, total: int) -> None:
    """No one is watching."""


@dataclass(frozen=True)
class IngestReport:
    version: str
    unchanged: bool
    documents: int
    sections: int
    chunks: int
    embedded: int
    reused: int
    changed: list[str]
    removed: list[str]
    seconds: float
    # False when the embedding weights are not installed: sections for BM25 only, no vectors.
    semantic: bool = True
    # Passages of user knowledge folders that read like instructions to a model (kb: refs).
    suspected: list[str] = field(default_factory=list)
    # "user/x.md overrides shipped objections/y.md", one per document replaced by id.
    overrides: tuple[str, ...] = ()
    # One message per user file left out because it did not validate.
    skipped: tuple[str, ...] = ()


def screen_user_knowledge(docs: Iterable[Document]) -> list[Suspect]:
    """Passages of user knowledge (outside the shipped folder) that read like instructions to
    a model, each warned once with its place; they are indexed all the same, as data."""
    shipped = KNOWLEDGE_ROOT.resolve()
    found = suspected_passages(d for d in docs if not d.path.resolve().is_relative_to(shipped))
    for s in found:
        log.warning(s.message("indexed as data only"), extra={"code": "suspected_injection"})
    return found


def ingest(
    folders: Iterable[Path] = (KNOWLEDGE_ROOT,),
    root: Path | None = None,
    chroma_url: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Validates every file, then writes a new index version and switches to it. Without the
    embedding weights the version holds the sections only (BM25 reads them) and says so in its
    manifest, so the first ingest after the weights arrive embeds everything."""
    started = time.perf_counter()
    assert root is not None
    report_progress: Progress = progress or _silent
    chosen = tuple(folders)
    where = {"index": str(root), "store": "server" if chroma_url else "embedded"}
    log.info("ingest started: %d knowledge folder(s) into %s", len(chosen), root, extra=where)
    # Everything validates before the index is touched.
    corpus = load_corpus(chosen, lambda done, total: report_progress("documents", done, total))
    suspected = [s.ref for s in screen_user_knowledge(corpus.docs.values())]
    overrides = tuple(o.describe(corpus.folders) for o in corpus.overrides)
    for line in overrides:
        log.warning("knowledge override: %s", line, extra=where)
    store = open_store(root, chroma_url)
    hashes = {doc_id: file_hash(doc.path) for doc_id, doc in sorted(corpus.docs.items())}
    previous = store.manifest()
    semantic = semantic_available()
    model = MODEL_ID if semantic else LEXICAL_ONLY
    same_setup = previous is not None and previous.model == model and previous.chunker == CHUNKER
    log.debug(
        "validated %d documents; previous index %s",
        len(hashes),
        previous.version if previous else "none",
        extra={**where, "same_setup": same_setup},
    )
    if previous and same_setup and previous.doc_hashes == hashes and not force:
        if isinstance(store, IndexStore):  # an index from before the records: the same docs
            _records(store.folder(previous.version), corpus.docs.values(), missing=True)
        log.info(
            "ingest finished: index up to date (%d documents, %d chunks)",
            len(hashes),
            len(previous.chunk_ids),
            extra={
                **where,
                "version": previous.version,
                "documents": len(hashes),
                "chunks": len(previous.chunk_ids),
                "embedded": 0,
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
        return IngestReport(
            previous.version,
            True,
            len(hashes),
            0,
            len(previous.chunk_ids),
            0,
            len(previous.chunk_ids),
            [],
            [],
            time.perf_counter() - started,
            semantic,
            suspected,
            overrides,
            corpus.skipped,
        )

    records = section_records(corpus)
    chunks = chunk_records(records)
    changed = sorted(d for d in hashes if not previous or previous.doc_hashes.get(d) != hashes[d])
    removed = sorted(set(previous.doc_hashes) - set(hashes)) if previous else []
    vectors, embedded = None, 0
    if semantic:  # embedded before a version folder exists: a failure leaves nothing behind
        reusable = previous if previous and same_setup and not force else None
        vectors, embedded = _vectors(store, reusable, hashes, changed, chunks, report_progress)
    version, folder = store.new_version()
    manifest = Manifest(
        version=version,
        model=model,
        chunker=CHUNKER,
        doc_hashes=hashes,
        chunk_ids=[c.id for c in chunks],
        collection=collection_for(version) if vectors is not None or chroma_url else "",
    )
    store.write(
        version,
        Built(manifest, records, chunks, vectors),
        lambda done, total: report_progress("store", done, total),
    )
    if folder is not None:  # a local index: the shipped seller's facts, the stage models
        _records(folder, corpus.docs.values())
    store.commit(version)
    store.prune()
    report = IngestReport(
        version,
        False,
        len(hashes),
        len(records),
        len(chunks),
        embedded,
        len(chunks) - embedded if semantic else 0,
        changed,
        removed,
        time.perf_counter() - started,
        semantic,
        suspected,
        overrides,
        corpus.skipped,
    )
    log.info(
        "ingest finished: %d documents, %d chunks (%d embedded, %d reused) in %.1f s",
        report.documents,
        report.chunks,
        report.embedded,
        report.reused,
        report.seconds,
        extra={
            **where,
            "version": version,
            "documents": report.documents,
            "sections": report.sections,
            "chunks": report.chunks,
            "embedded": report.embedded,
            "reused": report.reused,
            "changed": len(changed),
            "removed": len(removed),
            "semantic": semantic,
            "seconds": round(report.seconds, 3),
        },
    )
    return report


def _records(folder: Path, docs: Iterable[Document], missing: bool = False) -> None:
    """What the version records of its documents: their origins (knowledge/seller.py) and the
    process documents' stage models (knowledge/process_record.py)."""
    docs = list(docs)
    write_record(folder, ORIGINS, origins(docs), missing)
    write_record(folder, PROCESSES, stage_models(docs), missing)


def _vectors(
    store: IndexStore | ServerIndexStore,
    previous: Manifest | None,
    hashes: dict[str, str],
    changed: list[str],
    chunks: list[Chunk],
    report_progress: Progress = _silent,
) -> tuple[np.ndarray[Any, np.dtype[np.float32]], int]:
    """One vector per chunk: saved ones for unchanged documents, fresh ones for the rest.
    Returns the matrix and how many chunks were embedded now."""
    old_vectors: dict[str, np.ndarray[Any, np.dtype[np.float32]]] = {}
    if previous is not None:
        matrix = store.embeddings(previous.version)
        unchanged = set(hashes) - set(changed)
        for i, chunk_id in enumerate(previous.chunk_ids):
            if chunk_id.removeprefix("kb:").split("#")[0] in unchanged:
                old_vectors[chunk_id] = matrix[i]
    todo = [c for c in chunks if c.id not in old_vectors]
    reused = len(chunks) - len(todo)
    log.debug("%d chunks: %d to embed, %d reused", len(chunks), len(todo), reused)
    report_progress("chunks", reused, len(chunks))
    vectors = np.zeros((len(chunks), DIMENSIONS), dtype=np.float32)
    fresh: dict[str, Any] = {}
    if todo:
        from knowledge.embeddings import bulk_minilm

        # A model loaded here (its graph and weights, about 150 MB) is let go on return,
        # before the store is written, so the two are never in memory at once; a process
        # that had one loaded before (a server answering searches) keeps it.
        embedded = bulk_minilm().embed(
            [c.text for c in todo],
            on_batch=lambda done: report_progress("chunks", reused + done, len(chunks)),
        )
        fresh = dict(zip([c.id for c in todo], embedded, strict=True))
    for i, chunk in enumerate(chunks):
        vectors[i] = old_vectors.get(chunk.id, fresh.get(chunk.id))
    return vectors, len(todo)
