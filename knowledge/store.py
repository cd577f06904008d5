"""The on-disk index: versioned folders and an atomic CURRENT pointer.

Each ingest writes a new version (sections, chunk embeddings, Chroma collection) beside the
old one and only then swaps CURRENT, so an interrupted or failed ingest leaves the previous
index in use, never a half-written one. Unchanged documents reuse their saved embeddings.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where vectors are read or written: a lexical search needs none
    import numpy as np

from agent.errors import CoachError
from agent.files import settled, write_atomic
from knowledge.sections import Chunk, SectionRecord

MODEL_ID = "all-MiniLM-L6-v2/numpy"
# An index built without the embedding weights: sections for BM25, no vectors, no collection.
# A later ingest with the weights installed sees a different model and embeds everything.
LEXICAL_ONLY = "none (lexical only)"
log = logging.getLogger(__name__)
FORMAT = 4  # 3: records carry front-matter values; 4: near-exact HNSW settings


@dataclass
class Manifest:
    version: str
    model: str
    chunker: str
    doc_hashes: dict[str, str]
    chunk_ids: list[str]
    collection: str
    created: float = field(default_factory=time.time)
    format: int = FORMAT

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class Built:
    """What an ingest built for one version, as either store writes it: the manifest, the
    sections' records, the chunks and their vectors (None without the embedding weights)."""

    manifest: Manifest
    records: list[SectionRecord]
    chunks: list[Chunk]
    vectors: np.ndarray[Any, np.dtype[np.float32]] | None


def version_name() -> str:
    """A new version's name; names sort in creation order (pruning relies on it), even
    within one second."""
    now = time.time_ns()
    stamp = time.strftime("v%Y%m%d-%H%M%S", time.localtime(now // 10**9))
    return f"{stamp}-{now % 10**9:09d}-{os.urandom(2).hex()}"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stamp(path: str) -> tuple[int, int, int] | None:
    """A regular file's (inode, mtime, size), or None when it is not one."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size) if stat.S_ISREG(st.st_mode) else None


class IndexStore:
    """The index in a local folder (an embedded Chroma per version). `ServerIndexStore`
    (knowledge/server_store.py) has the same methods for an index on a Chroma server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # CURRENT's stamp (inode, mtime, size) and the version it named, with the stamp of
        # that version's manifest: every search asks, and reading the file each time cost a
        # warm answer ~0.05 ms. A commit replaces CURRENT (a new inode), so the stamp changes.
        self._current: tuple[tuple[int, int, int], tuple[int, int, int], str] | None = None

    @property
    def where(self) -> str:
        return str(self.root)

    @property
    def current_version(self) -> str | None:
        """The live version, or None. Kept while CURRENT's and the manifest's stats are as when
        it was read and both settled (agent/files.settled): a change within the clock's tick
        could keep a file's time, so a freshly written pointer is read again each time."""
        pointer = os.path.join(self.root, "CURRENT")
        try:
            st = os.stat(pointer)
        except OSError:
            return None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        kept = self._current
        if kept is not None and kept[0] == stamp:
            manifest = _stamp(os.path.join(self.root, kept[2], "manifest.json"))
            if manifest == kept[1]:
                return kept[2]
        try:
            version = Path(pointer).read_text().strip()
        except OSError:
            return None
        manifest = _stamp(os.path.join(self.root, version, "manifest.json")) if version else None
        if manifest is None:
            return None
        fresh = os.stat(pointer) if settled(st) else None
        if fresh is not None and (fresh.st_ino, fresh.st_mtime_ns, fresh.st_size) == stamp:
            self._current = (stamp, manifest, version)
        return version

    def folder(self, version: str) -> Path:
        return self.root / version

    def manifest(self, version: str | None = None) -> Manifest | None:
        version = version or self.current_version
        if version is None:
            return None
        path = self.folder(version) / "manifest.json"
        try:
            data = json.loads(path.read_text())
            if data.get("format") != FORMAT:
                found = data.get("format")
                log.info(
                    "index %s has format %s, not %s: it will be rebuilt", version, found, FORMAT
                )
                return None
            return Manifest(**data)
        except (OSError, ValueError, TypeError) as exc:
            # Treated as no index, so the next ingest rebuilds it; said, not swallowed.
            log.warning("cannot read %s (%s): treating the index as not built", path, exc)
            return None

    def sections(self, version: str) -> list[dict[str, Any]]:
        data = json.loads((self.folder(version) / "sections.json").read_text())
        return list(data)

    def embeddings(self, version: str) -> np.ndarray[Any, np.dtype[np.float32]]:
        import numpy as np

        return np.asarray(np.load(self.folder(version) / "embeddings.npy"), dtype=np.float32)

    def new_version(self) -> tuple[str, Path]:
        self.root.mkdir(parents=True, exist_ok=True)
        version = version_name()
        folder = self.folder(version)
        folder.mkdir()
        return version, folder

    def write(self, version: str, built: Built, report: Callable[[int, int], None]) -> None:
        """Everything of one version into its folder; it is not live until `commit`."""
        from knowledge import chroma

        folder, manifest, vectors = self.folder(version), built.manifest, built.vectors
        if vectors is not None:
            import numpy as np

            client = chroma.chroma_client(folder / "chroma", None)
            chroma.fill_collection(
                client, manifest.collection, built.chunks, built.records, vectors, report
            )
            np.save(folder / "embeddings.npy", vectors)
        write_atomic(
            folder / "sections.json",
            json.dumps([r.to_json() for r in built.records], ensure_ascii=False).encode(),
        )
        write_atomic(folder / "manifest.json", json.dumps(manifest.to_json()).encode())

    def forget_current(self) -> None:
        """Nothing to forget: CURRENT is read from the folder every time."""

    def collection(self, version: str) -> Any:
        """The version's Chroma collection (vectors and filter fields)."""
        from knowledge.chroma import chroma_client

        manifest = self.manifest(version)
        assert manifest is not None
        client = chroma_client(self.folder(version) / "chroma", None)
        return client.get_collection(manifest.collection, embedding_function=None)

    def size_bytes(self, version: str) -> int:
        return sum(p.stat().st_size for p in self.folder(version).rglob("*") if p.is_file())

    def commit(self, version: str) -> None:
        """The one step that makes a version live."""
        write_atomic(self.root / "CURRENT", version.encode())

    def prune(self, keep: int = 2) -> list[str]:
        """Removes all but the newest `keep` versions, never the current one."""
        current = self.current_version
        versions = sorted(p.name for p in self.root.glob("v*") if p.is_dir())
        doomed = [v for v in versions[:-keep] if v != current]
        for version in doomed:
            shutil.rmtree(self.folder(version), ignore_errors=True)
        return doomed


@lru_cache(maxsize=8)
def index_store(index: Path) -> IndexStore:
    """The index's store, one per folder and process: it keeps the current version while
    CURRENT and the version's manifest are unchanged, so what is read from a version's folder
    (knowledge/seller.py, knowledge/process_record.py) does not read CURRENT every time."""
    return IndexStore(index)


def current_folder(index: Path) -> Path | None:
    """The folder of the index's live version, or None when none is built."""
    store = index_store(index)
    version = store.current_version
    return None if version is None else store.folder(version)


def write_record(folder: Path, name: str, record: dict[str, Any], missing: bool = False) -> None:
    """A record an ingest writes beside a version's sections (what it knows of its documents,
    read back without parsing the corpus). With `missing`, only where the version has none yet:
    an index ingested before the record holds the same documents, so the record is what its
    ingest would have written."""
    target = folder / name
    if missing and target.exists():
        return
    write_atomic(target, json.dumps(record, default=str).encode())


def read_record(folder: Path, name: str, form: int) -> dict[str, Any] | None:
    """A version's record, or None when it has none, it is damaged or of another `format`."""
    try:
        data = json.loads((folder / name).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == form else None


def require_current(store: Any) -> str:
    """The live version of an IndexStore or a ServerIndexStore, else how to build one."""
    version: str | None = store.current_version
    if version is None:
        raise CoachError(
            "the knowledge index has not been built",
            where=store.where,
            fix="Run `coach kb ingest` (make setup does it for you)",
        )
    return version
