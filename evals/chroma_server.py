"""A throw-away Chroma server on loopback (`chroma run`, shipped with the chromadb package; it
needs no download), for the tests and `python -m evals.bench_knowledge --server`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evals.bench_http import free_port, stop


class CannotStart(RuntimeError):
    """Why no server could be started here (the caller skips or fails with it)."""


@contextmanager
def chroma_server(folder: Path, wait_s: float = 60.0) -> Iterator[str]:
    """A Chroma server keeping its data in `folder`, on a free loopback port; yields its URL
    once it answers its heartbeat (an open port is not a ready server), stops it afterwards."""
    from knowledge.chroma import chroma_client

    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if exe is None:
        raise CannotStart("the `chroma` command (chromadb) is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (folder / "server.log").open("wb")
    command = [exe, "run", "--path", str(folder / "data"), "--host", "127.0.0.1"]
    proc = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                chroma_client(None, url).heartbeat()
                break
            except Exception:  # noqa: BLE001 - not up yet
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise CannotStart(
                        f"`chroma run` did not answer within {wait_s:.0f} s (log: {log.name})"
                    ) from None
                time.sleep(0.2)
        yield url
    finally:
        stop(proc, 10)
        log.close()
