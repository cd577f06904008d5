"""Latency of one capability over the protocols against in-process (a script, not a timed
test: machines are noisy; compare the ratios of one run).

    python -m evals.bench_protocols [--runs 15] [--capability next_best_action] [--deal D-1003]

Starts `coach mcp --port` (streamable HTTP) and `coach a2a --port` (JSON-RPC) as their own
processes on loopback and calls each warm with the SDKs' clients; prints the median and p95 of
each and its ratio to the warm in-process call (`agent.service.coach`).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timed(calls: int, once: Callable[[], Any]) -> list[float]:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        once()
        times.append((time.perf_counter() - started) * 1000)
    return times


async def _timed_async(calls: int, once: Callable[[], Awaitable[Any]]) -> list[float]:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await once()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _in_process(runs: int, capability: str, deal: str) -> list[float]:
    from agent.contracts.request import CoachingRequest
    from agent.service import coach
    from agent.settings import CoachContext

    ctx = CoachContext.from_env()
    request = CoachingRequest.model_validate({"capability": capability, "deal_id": deal})
    coach(request, ctx)
    return _timed(runs, lambda: coach(request, ctx))


def _serve(command: str, port: int, probe: str) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "agent.interfaces.cli.app", command, "--port", str(port)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(probe, timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"`coach {command}` did not start on port {port}")


async def _mcp(url: str, runs: int, capability: str, deal: str) -> list[float]:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with streamable_http_client(url) as (read, write, _), ClientSession(read, write) as s:
        await s.initialize()

        async def once() -> None:
            result = await s.call_tool(capability, {"deal_id": deal})
            assert not result.isError, result.content

        await once()
        return await _timed_async(runs, once)


async def _a2a(url: str, runs: int, capability: str, deal: str) -> list[float]:
    from a2a.client import ClientConfig, create_client
    from a2a.helpers import new_text_part
    from a2a.types import Message, Role, SendMessageRequest

    client = await create_client(url, client_config=ClientConfig(streaming=False))

    async def once() -> None:
        message = Message(
            role=Role.ROLE_USER,
            message_id=uuid.uuid4().hex,
            parts=[new_text_part(f"on {deal}")],
            metadata={"skill": capability},
        )
        events = [e async for e in client.send_message(SendMessageRequest(message=message))]
        assert events[-1].task.artifacts, events[-1]

    await once()
    try:
        return await _timed_async(runs, once)
    finally:
        await client.close()


def _line(name: str, times: list[float], base: float) -> str:
    ordered = sorted(times)
    median, p95 = statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]
    return f"{name:22s} median {median:7.1f} ms  p95 {p95:7.1f} ms  ratio {median / base:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--capability", default="next_best_action")
    parser.add_argument("--deal", default="D-1003")
    args = parser.parse_args(argv)
    local = _in_process(args.runs, args.capability, args.deal)
    base = statistics.median(local)
    print(_line("in-process", local, base))
    port = _port()
    url = f"http://127.0.0.1:{port}/mcp/"
    server = _serve("mcp", port, url)
    try:
        times = anyio.run(_mcp, url, args.runs, args.capability, args.deal)
        print(_line("MCP streamable HTTP", times, base))
    finally:
        server.terminate()
    port = _port()
    url = f"http://127.0.0.1:{port}"
    server = _serve("a2a", port, f"{url}/.well-known/agent-card.json")
    try:
        times = anyio.run(_a2a, url, args.runs, args.capability, args.deal)
        print(_line("A2A JSON-RPC", times, base))
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
