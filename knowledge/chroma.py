"""Chroma, embedded or as a server: the one place that opens a client and writes a collection.

Vectors are always computed by us and passed in (`embedding_function=None` everywhere):
Chroma's default embedding function downloads a model, and the agent runs offline. A server
that cannot be reached, or answers with an error, is one `ServiceUnavailable` (what, where,
how to fix it), never a library traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

if TYPE_CHECKING:  # the vectors' type only: a lexical search needs no numpy
    import numpy as np

from agent.errors import CoachError, ServiceUnavailable
from knowledge.sections import Chunk, SectionRecord

log = logging.getLogger(__name__)
ADD_BATCH = 1000
# HNSW is approximate and its graph differs on every build; for a few thousand chunks a wide
# search costs little and makes results effectively exact, so a fresh ingest ranks the same.
HNSW: dict[str, int] = {"ef_construction": 400, "ef_search": 400, "max_neighbors": 32}
_VERSION_NAME = re.compile(r"[^A-Za-z0-9_]")


def collection_for(version: str) -> str:
    return f"kb_{_VERSION_NAME.sub('_', version)}"


def _settings(url: str | None = None) -> Any:
    from chromadb.config import Settings

    if url is None:
        return Settings(anonymized_telemetry=False)
    parts = urlparse(url)
    return Settings(
        anonymized_telemetry=False,
        chroma_api_impl="chromadb.api.fastapi.FastAPI",
        chroma_server_host=parts.hostname or "localhost",
        chroma_server_http_port=parts.port or 8000,
        chroma_server_ssl_enabled=parts.scheme == "https",
    )


def check_url(url: str) -> str:
    """COACH_CHROMA_URL as http(s)://host[:port], else one message naming the setting."""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CoachError(
            f"'{url}' is not a Chroma server address",
            where="COACH_CHROMA_URL",
            fix="Give http://host:port (e.g. http://127.0.0.1:8000), or unset it for the "
            "local index",
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise CoachError(
            f"'{url}' has no valid port", where="COACH_CHROMA_URL", fix="Give http://host:port"
        ) from None
    return url


def unreachable(url: str, exc: BaseException) -> ServiceUnavailable:
    log.debug("Chroma server %s failed", url, exc_info=exc)
    return ServiceUnavailable(
        "the Chroma server that holds the knowledge index did not answer",
        where=url,
        fix="Start it (`chroma run --path DIR --host HOST --port PORT`) or check "
        "COACH_CHROMA_URL; unset COACH_CHROMA_URL to use the local index",
    )


@contextmanager
def answering(url: str) -> Iterator[None]:
    """Any failure talking to the server, as one message (a missing collection or database
    is the caller's to handle: it means 'not built', not 'down')."""
    from chromadb.errors import NotFoundError

    try:
        yield
    except (CoachError, NotFoundError):
        raise
    except Exception as exc:  # noqa: BLE001 - connection refused, timeouts, 5xx: all one story
        raise unreachable(url, exc) from exc


def chroma_client(folder: Path | None, url: str | None, database: str | None = None) -> Any:
    """Embedded persistent Chroma in `folder`, or the server at `url` (its `database`)."""
    import chromadb

    if url:
        parts = urlparse(check_url(url))
        from chromadb.config import DEFAULT_DATABASE

        with answering(url):
            return chromadb.HttpClient(
                host=parts.hostname or "localhost",
                port=parts.port or 8000,
                ssl=parts.scheme == "https",
                settings=_settings(),
                database=database or DEFAULT_DATABASE,
            )
    assert folder is not None
    return chromadb.PersistentClient(path=str(folder), settings=_settings())


def ensure_database(url: str, database: str) -> None:
    """Creates the server's database for one index unless it exists (ingest only)."""
    import chromadb
    from chromadb.errors import NotFoundError

    with answering(url):
        admin = chromadb.AdminClient(_settings(check_url(url)))
        try:
            admin.get_database(database)
        except NotFoundError:
            admin.create_database(database)


def fill_collection(
    client: Any,
    name: str,
    chunks: list[Chunk],
    records: list[SectionRecord],
    vectors: np.ndarray[Any, np.dtype[np.float32]],
    report: Callable[[int, int], None],
    metadata: dict[str, Any] | None = None,
    with_records: bool = False,
) -> Any:
    """One collection of chunk vectors with what filters need (ref, doc, type, flags). With
    `with_records` each section's title chunk also carries the section record and its place
    (a server index keeps no files beside it: BM25 is rebuilt from these)."""
    collection = client.create_collection(
        name=name, embedding_function=None, configuration={"hnsw": HNSW}, metadata=metadata
    )
    by_ref = {r.ref: r for r in records}
    position = {r.ref: i for i, r in enumerate(records)}
    for start in range(0, len(chunks), ADD_BATCH):
        batch = chunks[start : start + ADD_BATCH]
        metadatas: list[dict[str, Any]] = []
        for c in batch:
            rec = by_ref[c.ref]
            meta: dict[str, Any] = {
                "ref": c.ref,
                "doc_id": rec.doc_id,
                "type": rec.type,
                **dict.fromkeys(rec.flags, True),
            }
            if with_records and c.id.endswith("~title"):
                import json

                meta["record"] = json.dumps(rec.to_json(), ensure_ascii=False)
                meta["position"] = position[c.ref]
            metadatas.append(meta)
        collection.add(
            ids=[c.id for c in batch],
            documents=[c.text for c in batch],
            embeddings=vectors[start : start + len(batch)],
            metadatas=metadatas,
        )
        report(start + len(batch), len(chunks))
    return collection
