"""A tiny knowledge folder written per test: fast to ingest, and safe to break on purpose."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

OBJECTION_SECTIONS = [
    "Where it shows up",
    "Root-cause questions",
    "Acknowledge, reframe, respond",
    "Feel, felt, found",
    "Proof points",
    "Bridge back to value",
    "If they are still not satisfied",
    "When and how to escalate",
    "For the economic buyer",
    "For the technical evaluator",
    "For the end user",
    "For procurement",
]
CARD_SECTIONS = [
    "Overview",
    "Strengths",
    "Weaknesses",
    "Landmines to lay",
    "Traps they set",
    "Talking points",
    "Counters to their claims",
    "Win stories",
    "Loss stories",
]


def doc(front: str, sections: list[str], body: str) -> str:
    text = "".join(f"## {s}\n{body} ({s.lower()}).\n\n" for s in sections)
    return f"---\n{front.strip()}\n---\n\n{text}"


def write_small_kb(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "obj-price.md").write_text(
        doc(
            """
id: obj-price
type: objection
title: Your price is too high
stages: [proposal, negotiate]
personas: [economic_buyer, procurement]
category: price
phrasings: ["You're too expensive", "That's over budget"]
""",
            OBJECTION_SECTIONS,
            "When the buyer says the price is too high, ask what they compare it "
            "with and show the cost of doing nothing",
        )
    )
    (folder / "obj-security.md").write_text(
        doc(
            """
id: obj-security
type: objection
title: We cannot put our data in the cloud
stages: [solution]
personas: [technical_evaluator]
category: security
phrasings: ["Our data must stay on premises"]
""",
            OBJECTION_SECTIONS,
            "Security reviewers worry about data residency, encryption and access "
            "control; bring the security pack",
        )
    )
    (folder / "bc-rivalco.md").write_text(
        doc(
            """
id: bc-rivalco
type: battle_card
title: Rivalco battle card
stages: [solution, proposal]
competitors: [Rivalco]
owner: Competitive intelligence team
last_verified: 2026-10-01
""",
            CARD_SECTIONS,
            "Rivalco sells long implementations and rigid licences; plant questions "
            "about time to value",
        )
    )
    return folder


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    return write_small_kb(tmp_path / "kb")


def _cannot_start(why: str) -> None:
    """Skipped where a Chroma server cannot run (said why); CI must run these tests."""
    import os

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the Chroma server tests, but {why}")
    pytest.skip(f"no Chroma server for these tests: {why}")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server (the `chroma` command of the chromadb package, offline) on a free
    loopback port for the whole session; yields its URL once it answers its heartbeat."""
    import shutil
    import subprocess
    import sys
    import time

    from evals.bench_http import free_port
    from knowledge.chroma import chroma_client

    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if exe is None:
        _cannot_start("the `chroma` command (chromadb) is not installed")
    assert exe is not None
    port = free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    log = (folder / "server.log").open("wb")
    command = [exe, "run", "--path", str(folder / "data"), "--host", "127.0.0.1"]
    proc = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # an open port is not a ready server: wait for its heartbeat
            try:
                chroma_client(None, url).heartbeat()
                break
            except Exception:  # noqa: BLE001 - not up yet
                if proc.poll() is not None or time.monotonic() > deadline:
                    _cannot_start(f"`chroma run` did not answer within 60 s (log: {log.name})")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def no_weights(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The weights package hidden the way an absent one looks to Python: importing it fails and
    importlib.util.find_spec answers None (a None entry in sys.modules does both)."""
    import sys

    from knowledge.embeddings import MODEL_PACKAGE, semantic_available

    monkeypatch.setitem(sys.modules, MODEL_PACKAGE, None)
    semantic_available.cache_clear()
    yield
    semantic_available.cache_clear()
