"""Servers for the protocol tests: started on a free loopback port, stopped after the module."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout_s: float = 90.0) -> bool:
    """Polls `url` until it answers; False when the process died or time ran out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def server_env(state: Path, extra: Mapping[str, str] = {}) -> dict[str, str]:  # noqa: B006
    """The test process's environment with the checkout importable and state kept in `state`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.update(
        COACH_MEMORY=str(state / "memory.sqlite"),
        COACH_OUTBOX=str(state / "events.jsonl"),
        COACH_WIN_MODEL=str(state / "win_model.json"),
        COACH_PRINCIPAL="",
        COACH_REP="",
        LANGSMITH_TRACING="false",
        LANGSMITH_TEST_TRACKING="false",
    )
    env.update(extra)
    return env


def stop(process: subprocess.Popen[bytes]) -> Iterator[None]:
    yield
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def in_thread(app: Any, port: int) -> Iterator[None]:
    """An ASGI app on uvicorn, on loopback, in a thread of the test process."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
