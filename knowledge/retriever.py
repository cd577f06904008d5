"""Hybrid retrieval: Chroma vectors and BM25 over the same sections, fused by rank (RRF).

Results are passages with stable citation refs (`kb:<doc>#<section>`). Lexical search needs
no model and works even before the first ingest (from the files themselves); vector and
hybrid search need `coach kb ingest`. Without the embedding weights (an optional install),
hybrid search is lexical with one warning, and an explicit vector search says how to fix it.
"""

from __future__ import annotations

import logging
import re
from contextlib import nullcontext
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.errors import CoachError
from knowledge.corpus import KNOWLEDGE_ROOT, corpus
from knowledge.documents import Document, Section
from knowledge.lexical_cache import keep_ranking, kept_folder, kept_ranking
from knowledge.sections import SectionRecord, flag, section_records
from knowledge.server_store import open_store
from knowledge.store import MODEL_ID, IndexStore, require_current

Mode = Literal["hybrid", "vector", "lexical"]
log = logging.getLogger(__name__)
RRF_K = 60
# Candidates fused per list, independent of k so the top results do not depend on how many
# are asked for. Vector hits are chunks; each section has a title chunk and a text chunk.
LEXICAL_CANDIDATES = 20
VECTOR_CANDIDATES = 40
MAX_RANKINGS = 512  # rankings a process keeps per index version (each up to every section)


class SearchFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: list[str] = Field(default_factory=list, description="Document types to keep.")
    exclude_type: list[str] = Field(default_factory=list)
    stage: str | None = None
    competitor: str | None = None
    methodology: str | None = None
    persona: str | None = None

    def flags(self) -> list[str]:
        pairs = (
            ("stages", self.stage),
            ("competitors", self.competitor),
            ("methodology", self.methodology),
            ("personas", self.persona),
        )
        return [flag(field, value) for field, value in pairs if value]

    def accepts(self, rec: SectionRecord) -> bool:
        if self.type and rec.type not in self.type:
            return False
        if rec.type in self.exclude_type:
            return False
        return all(f in rec.flags for f in self.flags())

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = [{f: True} for f in self.flags()]
        if self.type:
            clauses.append({"type": {"$in": self.type}})
        if self.exclude_type:
            clauses.append({"type": {"$nin": self.exclude_type}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Passage(BaseModel):
    ref: str
    doc_id: str
    type: str
    title: str
    heading: str
    text: str
    score: float
    lexical_rank: int | None = None
    vector_rank: int | None = None


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def _tokenize(texts: list[str], return_ids: bool = True) -> Any:
    """English stop words out, Snowball stems in: 'licences' finds 'licence'."""
    import bm25s

    return bm25s.tokenize(
        texts, stopwords="en", stemmer=_stemmer(), return_ids=return_ids, show_progress=False
    )


_WORD = re.compile(r"(?u)\b\w\w+\b")  # bm25s.tokenize's own token pattern


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.tokenization import _infer_stopwords

    return frozenset(_infer_stopwords("en"))


def query_words(query: str) -> list[str]:
    """A query's words as `_tokenize` makes them (lower case, bm25s's token pattern, English
    stop words out, Snowball stems), without the machinery bm25s builds around them for a
    corpus (a vocabulary, progress bars): a tenth of the time, and a debrief ranks a query
    per objection heard. tests/knowledge/test_lexical_cache.py holds the two equal."""
    words = [w for w in _WORD.findall(query.lower()) if w not in _stopwords()]
    return list(_stemmer().stemWords(words)) if words else []


class KnowledgeIndex:
    """Opened per (index folder, knowledge folders, Chroma URL, hidden documents); the heavy
    parts load lazily. `hidden` documents are never found nor citable: the shipped seller's
    facts in a workspace of another seller (knowledge/seller.py)."""

    def __init__(
        self,
        root: Path,
        folders: tuple[Path, ...] = (KNOWLEDGE_ROOT,),
        chroma_url: str | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> None:
        self.store = open_store(root, chroma_url)  # a folder, or a Chroma server
        self.folders = folders
        self.chroma_url = chroma_url
        self.hidden = hidden
        self.version = self.store.current_version
        self._records: list[SectionRecord] | None = None
        self._bm25: Any = None
        self._collection: Any = None
        self._documents: dict[str, Document] | None = None
        self._cache: dict[tuple[str, int, str, str], list[Passage]] = {}
        self._vectors_in_index: bool | None = None
        # Per version: each query's ranking, each filter's accepted sections, refs' positions.
        self._rankings: dict[str, list[int]] = {}
        self._accepted: dict[str, list[bool]] = {}
        self._positions: dict[str, int] | None = None
        self._kept: tuple[str, Path] | None = None  # (version, where its rankings are kept)

    @property
    def built(self) -> bool:
        return self.version is not None

    def refresh(self) -> None:
        """Picks up a newer ingest (a long-running server keeps serving while one runs)."""
        current = self.store.current_version
        if current != self.version:
            self.version = current
            self._records, self._bm25, self._collection = None, None, None
            self._documents = None
            self._vectors_in_index = None
            self._cache.clear()
            self._rankings.clear()
            self._accepted.clear()
            self._positions = None

    def effective_mode(self, mode: Mode) -> Mode:
        """The mode a search really runs in. Vectors need the embedding weights and an index
        built with them: without the weights hybrid is lexical (knowledge.embeddings has said
        so once) and vector search is an error that names the install command; an index built
        without them makes hybrid lexical, with one warning to re-ingest, and vector an error."""
        if mode == "lexical":
            return mode
        from knowledge.embeddings import model_dir, semantic_available  # numpy: vectors only

        if not semantic_available():
            if mode == "vector":
                model_dir()  # raises the error that says how to install the weights
            return "lexical"
        version = require_current(self.store)
        if self._vectors_in_index is None:
            manifest = self.store.manifest(version)
            self._vectors_in_index = manifest is not None and manifest.model == MODEL_ID
            if not self._vectors_in_index and mode == "hybrid":
                log.warning(
                    "the knowledge index at %s was built without the embedding weights: search "
                    "is lexical (BM25) only until `coach kb ingest` embeds it",
                    self.store.where,
                )
        if self._vectors_in_index:
            return mode
        if mode == "vector":
            raise CoachError(
                "the knowledge index was built without the embedding weights",
                where=self.store.where,
                fix="Run `coach kb ingest` to embed it, or search with --mode lexical",
            )
        return "lexical"

    def documents(self) -> dict[str, Document]:
        """Citable documents as indexed, for resolving and checking `kb:` refs."""
        if self._documents is None:
            grouped: dict[str, list[SectionRecord]] = {}
            for rec in self.records:
                if rec.doc_id not in self.hidden:
                    grouped.setdefault(rec.doc_id, []).append(rec)
            self._documents = {
                doc_id: Document(
                    meta={**recs[0].meta, "flags": recs[0].flags},
                    path=Path(doc_id),
                    sections=tuple(Section(r.anchor, r.heading, r.text) for r in recs),
                )
                for doc_id, recs in grouped.items()
            }
        return self._documents

    @property
    def records(self) -> list[SectionRecord]:
        if self._records is None:
            if self.version:
                self._records = [
                    SectionRecord.from_json(r) for r in self.store.sections(self.version)
                ]
            else:
                self._records = section_records(corpus(self.folders))
        return self._records

    def _lexical(self, query: str, filters: SearchFilters, n: int, lasting: bool) -> list[int]:
        """Positions of the best `n` sections the filters accept. A query is ranked once per
        index version in a process (a debrief asks one search per objection heard); on a
        built index its ranking is also kept in the state folder (knowledge/lexical_cache.py),
        so a later process needs neither bm25s nor the tokenised sections for a query ranked
        before. Never in the index folder itself: it may be shared or read-only. A server
        index keeps none on disk (its version names are not a folder of ours)."""
        ranked = self._rankings.get(query)
        if ranked is None:
            folder = self._kept_folder() if lasting else None
            ranked = kept_ranking(folder, query) if folder is not None else None
            if ranked is None or any(i >= len(self.records) for i in ranked):
                ranked = self._ranking(query)
                if folder is not None:
                    keep_ranking(folder, query, ranked)
            if len(self._rankings) >= MAX_RANKINGS:
                self._rankings.clear()
            self._rankings[query] = ranked
        accepted = self._accepted_by(filters)
        return list(islice((i for i in ranked if accepted[i]), n))

    def _kept_folder(self) -> Path | None:
        if not self.version or not isinstance(self.store, IndexStore):
            return None
        if self._kept is None or self._kept[0] != self.version:
            self._kept = (self.version, kept_folder(self.store.folder(self.version)))
        return self._kept[1]

    def _accepted_by(self, filters: SearchFilters) -> list[bool]:
        """Which sections (by position) a search with these filters may return: worked out
        once per filters and version, not per search."""
        key = filters.model_dump_json()
        if (accepted := self._accepted.get(key)) is None:
            accepted = [r.doc_id not in self.hidden and filters.accepts(r) for r in self.records]
            self._accepted[key] = accepted
        return accepted

    def positions_by_ref(self) -> dict[str, int]:
        """Each citable section's position, by ref (once per version)."""
        if self._positions is None:
            self._positions = {
                r.ref: i for i, r in enumerate(self.records) if r.doc_id not in self.hidden
            }
        return self._positions

    def _ranking(self, query: str) -> list[int]:
        """Every section with a positive BM25 score for `query`, best first (ties in order)."""
        import numpy as np

        if self._bm25 is None:
            import bm25s

            self._bm25 = bm25s.BM25()
            self._bm25.index(_tokenize([r.searchable for r in self.records]), show_progress=False)
        words = query_words(query)
        if not words:
            return []
        scores = self._bm25.get_scores(words)
        hits = np.flatnonzero(scores > 0)  # ascending: a stable sort keeps ties in order
        ranked: list[int] = hits[np.argsort(-scores[hits], kind="stable")].tolist()
        return ranked

    def _vector(self, query: str, filters: SearchFilters, n: int) -> list[str]:
        from chromadb.errors import NotFoundError

        from knowledge.chroma import answering
        from knowledge.embeddings import minilm

        vector = minilm().embed([query])
        for attempt in range(2):
            if self._collection is None:
                self._collection = self.store.collection(require_current(self.store))
            try:
                with answering(self.chroma_url) if self.chroma_url else nullcontext():
                    found = self._collection.query(
                        query_embeddings=vector,
                        n_results=n,
                        where=filters.chroma_where(),
                        include=["metadatas"],
                    )
                break
            except NotFoundError:
                # Another process's ingests pruned the version this one was reading: look up
                # the live version now (not after the pointer's short cache) and read it.
                if attempt or not self.chroma_url:
                    raise
                self.store.forget_current()
                self.refresh()
                self._collection = None
        refs: list[str] = []
        for meta in found["metadatas"][0]:
            if meta["ref"] not in refs:
                refs.append(str(meta["ref"]))
        return refs

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | None = None,
        mode: Mode = "hybrid",
        lasting: bool = True,
    ) -> list[Passage]:
        """The best `k` passages. `lasting=False` for one-off queries (a call's lines): their
        ranking is kept in this process only, not on disk for later ones, where it would
        take the place of the queries capabilities ask again and again."""
        filters = filters or SearchFilters()
        self.refresh()
        key = (query, k, filters.model_dump_json(), mode)
        if key in self._cache:
            return self._cache[key]
        passages = self._search(query, k, filters, mode, lasting)
        if len(self._cache) > 512:
            self._cache.clear()
        self._cache[key] = passages
        return passages

    def _search(
        self, query: str, k: int, filters: SearchFilters, mode: Mode, lasting: bool
    ) -> list[Passage]:
        mode = self.effective_mode(mode)
        index = self.positions_by_ref()
        lexical: list[str] = []
        vector: list[str] = []
        if mode in ("hybrid", "lexical"):
            lexical = [
                self.records[i].ref
                for i in self._lexical(query, filters, max(LEXICAL_CANDIDATES, 2 * k), lasting)
            ]
        if mode in ("hybrid", "vector"):
            vector = [
                r for r in self._vector(query, filters, max(VECTOR_CANDIDATES, 4 * k)) if r in index
            ]
        scores: dict[str, float] = {}
        for ranking in (lexical, vector):
            for rank, ref in enumerate(ranking):
                scores[ref] = scores.get(ref, 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(scores, key=lambda ref: (-scores[ref], ref))[:k]
        passages = []
        for ref in best:
            rec = self.records[index[ref]]
            passages.append(
                Passage(
                    ref=ref,
                    doc_id=rec.doc_id,
                    type=rec.type,
                    title=rec.title,
                    heading=rec.heading,
                    text=rec.text,
                    score=round(scores[ref], 5),
                    lexical_rank=lexical.index(ref) + 1 if ref in lexical else None,
                    vector_rank=vector.index(ref) + 1 if ref in vector else None,
                )
            )
        return passages


@lru_cache(maxsize=8)
def knowledge_index(
    root: Path,
    folders: tuple[Path, ...] = (KNOWLEDGE_ROOT,),
    chroma_url: str | None = None,
    hidden: frozenset[str] = frozenset(),
) -> KnowledgeIndex:
    return KnowledgeIndex(root, folders, chroma_url, hidden)
