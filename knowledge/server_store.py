"""The knowledge index on a Chroma server (COACH_CHROMA_URL), shared by every process.

Nothing of it stays in a local folder, so workers on other machines read the same index:

- one Chroma *database* per index (`database_name`): the shipped index, and each tenant's
  overlay index in its own database, so one tenant's collections are never listed, opened
  or pruned by another's processes;
- per version, one collection `kb_<version>` holding the chunk vectors (as the embedded index
  does), the manifest in its metadata, and each section's record on its title chunk (BM25 and
  citation checks are rebuilt from them);
- a `kb_current` collection whose metadata names the live version: writing it is the one step
  that makes an ingest live (the local index's CURRENT file), so an ingest that fails or is
  killed leaves the previous version in use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where vectors are read or written: a lexical search needs none
    import numpy as np

from agent.errors import ServiceUnavailable
from agent.resources import state_dir
from knowledge import chroma
from knowledge.store import FORMAT, Built, IndexStore, Manifest, version_name

log = logging.getLogger(__name__)
POINTER = "kb_current"
PAGE = 500  # records read per request
# The live version is looked up at most this often per process (every search asks).
POINTER_TTL_S = 1.0
# A pointer not read yet: older than any TTL. (0.0 was not: `time.monotonic()` counts from
# boot, so in a machine's first TTL seconds the empty pointer passed for a fresh one.)
_NEVER_READ: tuple[float, str | None] = (-math.inf, None)
_UNSAFE = re.compile(r"[^a-z0-9]+")


def database_name(root: Path) -> str:
    """The server database of the index kept at `root`: named by its place under the state
    folder (`index`, `tenants/acme/index`), so every worker with the same layout, on any
    machine, opens the same one; a folder outside the state folder is named by its path."""
    resolved = root.expanduser().resolve()
    try:
        label = resolved.relative_to(state_dir()).as_posix()
    except ValueError:
        label = resolved.as_posix()
    slug = _UNSAFE.sub("-", label.lower()).strip("-")[-40:].strip("-") or "index"
    return f"coach-{slug}-{hashlib.sha256(label.encode()).hexdigest()[:10]}"


class ServerIndexStore:
    """IndexStore's methods, on a Chroma server."""

    def __init__(self, root: Path, url: str) -> None:
        self.root, self.url = root, chroma.check_url(url)
        self.database = database_name(root)
        self._client: Any = None
        self._pointer: tuple[float, str | None] = _NEVER_READ
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return f"{self.url} (database {self.database})"

    def client(self, create: bool = False) -> Any | None:
        """The server's client for this index's database; None when it does not exist yet
        (nothing ingested), unless `create` (ingest) makes it."""
        from chromadb.errors import NotFoundError

        if self._client is None:
            if create:
                chroma.ensure_database(self.url, self.database)
            try:
                self._client = chroma.chroma_client(None, self.url, self.database)
            except NotFoundError:
                return None
        return self._client

    def _call(self, fn: Callable[[Any], Any], create: bool = False) -> Any:
        """`fn(client)` with the server's failures said once; None when the database or the
        collection asked for does not exist."""
        from chromadb.errors import NotFoundError

        with chroma.answering(self.url):
            client = self.client(create)
            if client is None:
                return None
            try:
                return fn(client)
            except NotFoundError:
                return None

    @property
    def current_version(self) -> str | None:
        with self._lock:
            read_at, version = self._pointer
            if time.monotonic() - read_at < POINTER_TTL_S:
                return version

        def read(client: Any) -> str | None:
            meta = client.get_collection(POINTER, embedding_function=None).metadata or {}
            found = meta.get("version")
            return str(found) if found else None

        found = self._call(read)
        with self._lock:
            self._pointer = (time.monotonic(), None if found is None else str(found))
            return self._pointer[1]

    def forget_current(self) -> None:
        """The next `current_version` asks the server (another process has just ingested)."""
        with self._lock:
            self._pointer = _NEVER_READ

    def manifest(self, version: str | None = None) -> Manifest | None:
        version = version or self.current_version
        if version is None:
            return None
        meta = self._call(
            lambda c: (
                c.get_collection(chroma.collection_for(version), embedding_function=None).metadata
            )
        )
        try:
            data = json.loads((meta or {})["manifest"])
            if data.get("format") != FORMAT:
                log.info(
                    "index %s has format %s, not %s: rebuilt", version, data.get("format"), FORMAT
                )
                return None
            return Manifest(**data)
        except (KeyError, ValueError, TypeError) as exc:
            log.warning("cannot read the manifest of %s at %s (%s)", version, self.where, exc)
            return None

    def collection(self, version: str) -> Any:
        found = self._call(
            lambda c: c.get_collection(chroma.collection_for(version), embedding_function=None)
        )
        if found is None:
            raise ServiceUnavailable(
                f"the knowledge index version {version} is not on the Chroma server",
                where=self.where,
                fix="Run `coach kb ingest` against this server (COACH_CHROMA_URL)",
            )
        return found

    def _pages(self, version: str, include: list[str], where: Any = None) -> list[dict[str, Any]]:
        collection = self.collection(version)
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            with chroma.answering(self.url):
                page = collection.get(include=include, where=where, limit=PAGE, offset=offset)
            ids = page["ids"]
            for i, chunk_id in enumerate(ids):
                rows.append({"id": chunk_id, **{k: page[k][i] for k in include}})
            if len(ids) < PAGE:
                return rows
            offset += PAGE

    def sections(self, version: str) -> list[dict[str, Any]]:
        rows = self._pages(version, ["metadatas"], where={"position": {"$gte": 0}})
        metas = sorted((r["metadatas"] for r in rows), key=lambda m: int(m["position"]))
        return [json.loads(m["record"]) for m in metas]

    def embeddings(self, version: str) -> np.ndarray[Any, np.dtype[np.float32]]:
        """The version's vectors in the manifest's chunk order (ingest reuses them)."""
        manifest = self.manifest(version)
        assert manifest is not None
        import numpy as np

        by_id = {r["id"]: r["embeddings"] for r in self._pages(version, ["embeddings"])}
        return np.asarray([by_id[c] for c in manifest.chunk_ids], dtype=np.float32)

    def size_bytes(self, version: str) -> int:
        return 0  # the server's own affair

    def new_version(self) -> tuple[str, None]:
        return version_name(), None

    def write(self, version: str, built: Built, report: Callable[[int, int], None]) -> None:
        """The version's collection with its manifest and records. An index without vectors
        (no embedding weights) still needs one to carry them: one entry per section with a
        one-number vector (its place; a graph of equal vectors is slow to build), and the
        manifest's model says it is not to be searched by vector."""
        manifest, records = built.manifest, built.records
        chunks, vectors = built.chunks, built.vectors
        if vectors is None:
            import numpy as np

            chunks = [c for c in chunks if c.id.endswith("~title")]
            vectors = np.arange(len(chunks), dtype=np.float32).reshape(-1, 1)
        meta = {"manifest": json.dumps(manifest.to_json())}
        self._call(
            lambda c: chroma.fill_collection(
                c, manifest.collection, chunks, records, vectors, report, meta, with_records=True
            ),
            create=True,
        )

    def commit(self, version: str) -> None:
        def point(client: Any) -> None:
            client.get_or_create_collection(POINTER, embedding_function=None).modify(
                metadata={"version": version}
            )

        self._call(point, create=True)
        with self._lock:
            self._pointer = (time.monotonic(), version)

    def prune(self, keep: int = 2) -> list[str]:
        """Deletes all but the newest `keep` versions' collections, never the live one."""
        current = self.current_version

        def names(client: Any) -> list[str]:
            return sorted(c.name for c in client.list_collections() if c.name.startswith("kb_v"))

        versions = self._call(names) or []
        doomed = [n for n in versions[:-keep] if n != chroma.collection_for(current or "")]
        for name in doomed:

            def delete(client: Any, n: str = name) -> None:
                client.delete_collection(n)

            try:
                self._call(delete)
            except Exception as exc:  # noqa: BLE001 - the new version is live; this is tidying
                log.warning("could not delete %s at %s (%s)", name, self.where, exc)
        return doomed


def open_store(root: Path, chroma_url: str | None) -> IndexStore | ServerIndexStore:
    """The one place that chooses where an index lives: a Chroma server when COACH_CHROMA_URL
    names one, else the folder `root`."""
    return ServerIndexStore(root, chroma_url) if chroma_url else IndexStore(root)
