"""The same ingest and search against a real Chroma server (HttpClient), on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.ingest import chroma_client, ingest
from knowledge.retriever import KnowledgeIndex


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the chroma server command is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [
            exe,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:  # an open port is not a ready server: wait for its heartbeat
            try:
                chroma_client(None, url).heartbeat()
                break
            except Exception:  # noqa: BLE001 - not up yet
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("chroma server did not become ready within 60 s")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ingest_and_search_through_a_chroma_server(
    small_kb: Path, tmp_path: Path, chroma_server: str
) -> None:
    root = tmp_path / "index"
    report = ingest((small_kb,), root, chroma_url=chroma_server)
    assert not report.unchanged
    assert not (root / report.version / "chroma").exists()  # vectors live on the server
    index = KnowledgeIndex(root, (small_kb,), chroma_url=chroma_server)
    hits = index.search("keeping data on premises", k=2, mode="vector")
    assert hits[0].doc_id == "obj-security"
    for n in range(3):  # later ingests replace the collection; old ones are dropped
        path = small_kb / "obj-price.md"
        path.write_text(path.read_text() + f"\nEdit {n}.\n")
        ingest((small_kb,), root, chroma_url=chroma_server)
    names = {c.name for c in chroma_client(None, chroma_server).list_collections()}
    assert len(names) == 2
