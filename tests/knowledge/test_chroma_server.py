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

from knowledge.ingest import ingest
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
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("chroma server did not start within 30 s")
        yield f"http://127.0.0.1:{port}"
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
    from knowledge.ingest import chroma_client

    names = {c.name for c in chroma_client(None, chroma_server).list_collections()}
    assert len(names) == 2
