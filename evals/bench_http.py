"""The service over the wire (a script, not a timed test): `coach serve` in its own process on
loopback, against the same work in-process.

    python -m evals.bench_http [--runs 15] [--utterances 300] [--out bench-results/http.json]
    python -m evals.bench_http --load --sessions 50 --seconds 300    # evals/bench_http_load.py

Per capability: the warm median of `agent.service.coach` in this process and of `POST /v1/coach`
to the server (same request, JSON both ways), and their ratio: what HTTP, JSON and the
server's own work add. Live assist: one meeting (the 45-minute D-1003 call of
evals/bench_live.py) over a WebSocket, utterance sent to its reply received, p50/p95, against
`LiveAssist.feed` in-process (budget 50 ms p95).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

LIVE_BUDGET_MS = 50.0
DEAL, REP = "D-1003", "rep-priya"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def server(env: dict[str, str] | None = None, timeout_s: float = 180.0) -> Iterator[Served]:
    """`coach serve` on 127.0.0.1 in a child process until ready (/readyz); stopped after.
    Its log goes to a file (a pipe nobody reads would fill and stall it)."""
    port = free_port()
    command = [sys.executable, "-m", "agent.interfaces.cli.app", "--log-level", "warning"]
    command += ["--log-format", "json", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed when the server is stopped
    child = subprocess.Popen(command, env={**os.environ, **(env or {})}, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            if child.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the server exited: {log.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not become ready")
            time.sleep(0.25)
        yield Served(url, child)
    finally:
        stop(child, 20)
        log.close()


def stop(child: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Asks a child server to stop, and kills it if it has not within `timeout_s`."""
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            child.kill()


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
    }


def capabilities(url: str, runs: int) -> dict[str, Any]:
    from agent.capabilities.registry import registry, sample_request
    from agent.service import coach
    from agent.settings import CoachContext

    ctx = CoachContext.from_env()
    found: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=120) as http:
        for spec in registry().values():
            if spec.draft is None:
                continue
            request = sample_request(spec, DEAL, REP, ctx)
            body = request.model_dump(mode="json", exclude_none=True)
            local, remote = [], []
            for i in range(runs + 1):  # the first of each is the warm-up
                started = time.perf_counter()
                coach(request, ctx)
                local.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                got = http.post("/v1/coach", json=body)
                remote.append((time.perf_counter() - started) * 1000)
                if got.status_code != 200 or got.json()["capability"] != spec.name:
                    raise RuntimeError(f"{spec.name}: {got.status_code} {got.text[:300]}")
                del i
            in_process = statistics.median(local[1:])
            over_http = statistics.median(remote[1:])
            found[spec.name] = {
                "in_process_ms": round(in_process, 1),
                "http_ms": round(over_http, 1),
                "ratio": round(over_http / in_process, 2),
            }
            print(f"{spec.name:24} {in_process:7.1f} ms  http {over_http:7.1f} ms", flush=True)
    return found


def live(url: str, count: int) -> dict[str, Any]:
    import datetime as dt

    from websockets.sync.client import connect

    from agent.analysis import analyze_deal
    from agent.capabilities.live_assist.engine import LiveAssist
    from agent.reading.speaker_mapping import map_speakers
    from agent.retrieval import index_for
    from agent.settings import CoachContext
    from evals.bench_live import meeting
    from tools.sources import workspace_source

    call = meeting(45, count)
    ctx = CoachContext.from_env()
    source = workspace_source(ctx.workspace)
    deal = source.load_context(DEAL)
    engine = LiveAssist(deal, analyze_deal(deal, source.as_of or dt.date.today()), index_for(ctx))
    local = []
    for u in map_speakers(call, deal.deal).utterances:
        started = time.perf_counter()
        engine.feed(u)
        local.append((time.perf_counter() - started) * 1000)
    wire, cards = [], 0
    with connect(url.replace("http://", "ws://") + f"/v1/live/bench?deal_id={DEAL}") as ws:
        json.loads(ws.recv())  # ready: the engine is built
        for u in call.utterances:
            message = {"speaker": u.speaker, "text": u.text, "start_s": u.start_s}
            started = time.perf_counter()
            ws.send(json.dumps(message))
            reply = json.loads(ws.recv())
            wire.append((time.perf_counter() - started) * 1000)
            cards += len(reply.get("cards", []))
        ws.send(json.dumps({"type": "end"}))
    over = stats(wire)
    return {
        "utterances": len(call.utterances),
        "cards_over_the_wire": cards,
        "cards_in_process": len(engine.cards),
        "in_process": stats(local),
        "websocket": over,
        "budget_p95_ms": LIVE_BUDGET_MS,
        "within_budget": over["p95_ms"] <= LIVE_BUDGET_MS,
    }


def durability(turns: int = 5) -> dict[str, Any]:
    """Kill the server (SIGKILL) while a chat turn runs: after a restart on the same files the
    thread holds every turn that was acknowledged (answered 200) before, in order."""
    with tempfile.TemporaryDirectory(prefix="coach-kill-") as folder:
        env = {"COACH_MEMORY": str(Path(folder) / "memory.sqlite"), "COACH_OUTBOX": ""}
        acknowledged: list[str] = []
        with server(env) as served, httpx.Client(base_url=served.url, timeout=120) as http:
            for i in range(turns):
                message = f"turn {i}: what should I do next on {DEAL}?"
                got = http.post("/v1/chat/durable", json={"message": message, "deal_id": DEAL})
                if got.status_code == 200:
                    acknowledged.append(message)

            def last_turn() -> None:
                with contextlib.suppress(httpx.HTTPError):  # it dies under it: not acknowledged
                    httpx.post(
                        f"{served.url}/v1/chat/durable",
                        json={"message": "the turn the kill interrupts"},
                        timeout=30,
                    )

            threading.Thread(target=last_turn, daemon=True).start()
            time.sleep(0.05)
            served.process.kill()
            served.process.wait(timeout=20)
        with server(env) as served:
            history = httpx.get(f"{served.url}/v1/chat/durable", timeout=60).json()
    asked = [m["text"] for m in history["messages"] if m["role"] == "human"]
    kept = [m for m in acknowledged if m in asked]
    return {
        "acknowledged": len(acknowledged),
        "kept_after_kill": len(kept),
        "in_order": asked[: len(kept)] == kept,
        "lost": len(acknowledged) - len(kept),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="The service over the wire vs in-process.")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--utterances", type=int, default=300)
    parser.add_argument("--load", action="store_true", help="the load test instead")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.load:
        from evals.bench_http_load import run_load

        report = run_load(args.sessions, args.seconds)
        out = args.out or Path("bench-results/http-load.json")
    else:
        with server() as served:
            report = {
                "capabilities": capabilities(served.url, args.runs),
                "live": live(served.url, args.utterances),
            }
        report["chat_after_a_kill"] = durability()
        out = args.out or Path("bench-results/http.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
