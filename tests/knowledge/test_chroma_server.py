"""The knowledge index on a real Chroma server (COACH_CHROMA_URL), on loopback: the same
answers as the local index, shared by processes that have no local index files, incremental,
one tenant's overlay out of another's reach, and a down server said in one message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.contracts import CoachingRequest
from agent.errors import ServiceUnavailable
from agent.interfaces.http.config import (
    KeyEntry,
    KeysFile,
    ServerSettings,
    hash_key,
    tenant_context,
)
from agent.retrieval import index_for
from agent.service import coach
from agent.settings import CoachContext
from knowledge.corpus import KNOWLEDGE_ROOT
from knowledge.embeddings import minilm
from knowledge.ingest import ingest
from knowledge.retriever import KnowledgeIndex
from knowledge.server_store import ServerIndexStore
from tests.conftest import REPO

QUERIES = (
    "keeping data on premises",
    "the price is too high for us",
    "Rivalco implementation takes too long",
    "how do I escalate to procurement",
)
DOWN = "http://127.0.0.1:9"  # the discard port: nothing listens there


def _refs(index: KnowledgeIndex, query: str, mode: str) -> list[str]:
    return [p.ref for p in index.search(query, k=5, mode=mode)]  # type: ignore[arg-type]


def test_server_index_answers_like_the_local_one_and_is_incremental(
    small_kb: Path, tmp_path: Path, chroma_server: str
) -> None:
    minilm()  # loaded once for both ingests (an ingest lets go only a model it loaded)
    local_root, server_root = tmp_path / "local", tmp_path / "server"
    ingest((small_kb,), local_root)
    first = ingest((small_kb,), server_root, chroma_url=chroma_server)
    assert first.embedded == first.chunks > 0
    assert not server_root.exists()  # nothing of a server index is kept in a local folder
    local = KnowledgeIndex(local_root, (small_kb,))
    served = KnowledgeIndex(server_root, (small_kb,), chroma_url=chroma_server)
    for query in QUERIES:
        for mode in ("vector", "hybrid", "lexical"):
            assert _refs(served, query, mode) == _refs(local, query, mode), (query, mode)

    again = ingest((small_kb,), server_root, chroma_url=chroma_server)
    assert again.unchanged and again.embedded == 0 and again.version == first.version
    path = small_kb / "obj-price.md"
    path.write_text(path.read_text() + "\nAsk what a delay costs per month.\n")
    third = ingest((small_kb,), server_root, chroma_url=chroma_server)
    assert third.changed == ["obj-price"] and 0 < third.embedded < third.chunks
    assert third.reused == third.chunks - third.embedded  # vectors read back from the server
    store = ServerIndexStore(server_root, chroma_server)
    client = store.client()
    assert client is not None
    kept = sorted(c.name for c in client.list_collections() if c.name.startswith("kb_v"))
    assert len(kept) == 2  # the live version and the one before; older ones are deleted
    # A reader re-reads the live version's pointer every POINTER_TTL_S; the test does not wait.
    assert isinstance(served.store, ServerIndexStore)
    served.store.forget_current()
    served.refresh()
    assert "Ask what a delay costs" in " ".join(
        p.text for p in served.search("what a delay costs per month", k=3, mode="lexical")
    )


def test_a_reader_whose_version_was_pruned_moves_to_the_live_one(
    small_kb: Path, tmp_path: Path, chroma_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker holds a version while other processes ingest twice (its version is pruned)
    and before its cached pointer expires: its next vector search reads the live version."""
    monkeypatch.setattr("knowledge.server_store.POINTER_TTL_S", 3600.0)
    minilm()
    root = tmp_path / "server"
    ingest((small_kb,), root, chroma_url=chroma_server)
    reader = KnowledgeIndex(root, (small_kb,), chroma_url=chroma_server)
    assert reader.search("keeping data on premises", k=1, mode="vector")
    held = reader.version
    for n in range(2):
        path = small_kb / "obj-price.md"
        path.write_text(path.read_text() + f"\nEdit {n}.\n")
        latest = ingest((small_kb,), root, chroma_url=chroma_server)
    reader._cache.clear()
    hits = reader.search("keeping data on premises", k=1, mode="vector")
    assert hits[0].doc_id == "obj-security"
    assert held != latest.version and reader.version == latest.version


def test_a_capability_cites_the_same_passages_from_the_server(
    no_weights: None, tmp_path: Path, chroma_server: str
) -> None:
    """The shipped knowledge, lexical-only (capabilities search lexically, and no embedding
    keeps this fast), ingested locally and into the server: the same cited passages, in the
    same order, for capabilities that search the knowledge."""
    ingest((KNOWLEDGE_ROOT,), tmp_path / "local")
    ingest((KNOWLEDGE_ROOT,), tmp_path / "server", chroma_url=chroma_server)
    local = replace(CoachContext(), index_dir=tmp_path / "local", memory=None, outbox=None)
    served = replace(local, index_dir=tmp_path / "server", chroma_url=chroma_server)
    requests = [
        CoachingRequest(capability="next_best_action", deal_id="D-1003"),
        CoachingRequest(
            capability="objection_guide", deal_id="D-1002", message="they said we're too expensive"
        ),
        CoachingRequest(capability="pre_call_brief", deal_id="D-1003"),
    ]
    for request in requests:
        cited = []
        for ctx in (local, served):
            response = coach(request, ctx)
            cited.append([c.ref for c in response.citations if c.kind == "knowledge"])
        assert cited[0], request.capability  # the capability did cite the knowledge
        assert cited[1] == cited[0], request.capability


def test_another_process_without_local_files_reads_the_same_index(
    small_kb: Path, tmp_path: Path, chroma_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker on another machine: its own empty COACH_HOME, the same layout, the same
    server. `coach kb search` there answers what this process answers."""
    here, there = tmp_path / "home-here", tmp_path / "home-there"
    monkeypatch.setenv("COACH_HOME", str(here))
    ingest((small_kb,), here / "index", chroma_url=chroma_server)
    query = "Rivalco implementation takes too long"
    mine = _refs(
        KnowledgeIndex(here / "index", (small_kb,), chroma_url=chroma_server), query, "hybrid"
    )
    env = {
        **os.environ,
        "COACH_HOME": str(there),
        "COACH_CHROMA_URL": chroma_server,
        "PYTHONPATH": str(REPO),
    }
    env.pop("COACH_INDEX_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "agent.interfaces.cli.app", "kb", "search", query, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    theirs = [p["ref"] for p in json.loads(done.stdout)]
    assert theirs == mine and theirs[0].startswith("kb:bc-rivalco#")  # only the server has it
    assert not (there / "index").exists()


def test_a_tenants_overlay_is_indexed_apart_and_read_only_by_it(
    no_weights: None, small_kb: Path, tmp_path: Path, chroma_server: str
) -> None:
    home = tmp_path / "home"
    docs = {"acme": "obj-acme-walrus", "globex": "obj-globex-quokka"}
    for tenant, doc in docs.items():
        folder = home / "tenants" / tenant / "knowledge"
        folder.mkdir(parents=True)
        text = (small_kb / "obj-price.md").read_text().replace("obj-price", doc)
        (folder / f"{doc}.md").write_text(text.replace("The price", f"The {doc} price"))
    keys = [KeyEntry(id=t, sha256=hash_key(t), tenant=t) for t in ("acme", "globex", "plain")]
    base = replace(CoachContext(), knowledge_dirs=(small_kb,), chroma_url=chroma_server)
    settings = ServerSettings(keys=KeysFile(keys=keys), home=home, base=base, protocols=False)
    ctx = {t: tenant_context(settings, t) for t in docs}
    for c in ctx.values():
        ingest(c.knowledge_dirs, c.index_dir, chroma_url=chroma_server)
    stores = {t: ServerIndexStore(c.index_dir, chroma_server) for t, c in ctx.items()}
    assert stores["acme"].database != stores["globex"].database
    for tenant, other in (("acme", "globex"), ("globex", "acme")):
        query = f"{docs[tenant]} {docs[other]} price"
        found = {p.doc_id for p in index_for(ctx[tenant]).search(query, k=10, mode="lexical")}
        assert docs[tenant] in found and docs[other] not in found, (tenant, found)
        clients = [stores[t].client() for t in (tenant, other)]
        assert clients[0] is not None and clients[1] is not None
        mine, theirs = ({c.name for c in client.list_collections()} for client in clients)
        assert mine & theirs == {"kb_current"}  # each its own versions, in its own database
    plain = tenant_context(settings, "plain")  # no overlay: the shared index, neither's doc
    assert plain.index_dir == base.index_dir


def test_a_down_server_is_one_message_exit_2_and_not_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ServiceUnavailable, match="Chroma server .* did not answer"):
        KnowledgeIndex(tmp_path / "index", chroma_url=DOWN).search("price", k=1)

    from agent.interfaces.cli.app import app

    monkeypatch.setenv("COACH_CHROMA_URL", DOWN)
    result = CliRunner().invoke(app, ["kb", "search", "price"])
    assert result.exit_code == 2
    assert "did not answer" in result.output and "COACH_CHROMA_URL" in result.output
    assert "Traceback" not in result.output

    from agent.interfaces.http.app import create_app
    from tests.http.conftest import serving

    base = replace(CoachContext(), chroma_url=DOWN, memory=None, outbox=None)
    with serving(create_app(ServerSettings(base=base, protocols=False))) as url:
        import httpx

        ready = httpx.get(f"{url}/readyz", timeout=30)
        found = httpx.get(f"{url}/v1/knowledge/search", params={"q": "price"}, timeout=30)
    assert ready.status_code == 503
    assert "did not answer" in json.dumps(ready.json())
    assert found.status_code == 503 and found.json()["error"]["code"] == "unavailable"


def test_a_pointer_not_read_yet_is_asked_for_even_just_after_boot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`time.monotonic()` counts from boot: in a machine's first TTL seconds an unread pointer
    must still ask the server, not pass for a fresh 'no index'."""
    from knowledge import server_store

    monkeypatch.setattr(server_store.time, "monotonic", lambda: 5.0)  # 5 s after boot
    monkeypatch.setattr(server_store, "POINTER_TTL_S", 60.0)
    store = server_store.ServerIndexStore(tmp_path / "index", "http://127.0.0.1:8000")
    asked: list[str] = []
    monkeypatch.setattr(store, "_call", lambda fn, *a: asked.append("server") or "v7")
    assert store.current_version == "v7" and asked == ["server"]
    assert store.current_version == "v7" and asked == ["server"]  # fresh for the TTL
    store.forget_current()
    assert store.current_version == "v7" and asked == ["server", "server"]
