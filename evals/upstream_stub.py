"""A real HTTP server on loopback playing upstream agents that behave well or badly (the
tests and `python -m evals.bench_upstream` run it)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Agent:
    """What the stub answers: `bodies["<section>/<deal>"]` for /ok/<section>/<deal>; every
    mode's hits counted.

    /ok/…         200 with the body (404 when it has none)
    /slow/…       the body after `delay_s`
    /fail/…       503, every time
    /flaky/…      503 for the first `flaky` hits, then the body
    /malformed/…  200 with text that is not JSON
    /invalid/…    200 with JSON that breaks the section's contract
    /drop/…       closes the connection without an answer
    POST /a2a/…   A2A message/send: a completed task whose artifact's data part is the body
                  for the section and deal the message names (/a2a-working/…: still working)
    """

    bodies: dict[str, Any] = field(default_factory=dict)
    delay_s: float = 1.0
    flaky: int = 2
    hits: Counter[str] = field(default_factory=Counter)
    headers: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    def url(self, mode: str, section: str = "risk") -> str:
        return f"http://127.0.0.1:{self.port}/{mode}/{section}/{{deal_id}}"


def _handler(agent: Agent) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            return

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                return  # the client gave up (a timeout test): nothing to report

        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            _, mode, section, deal = (self.path.split("/") + ["", "", ""])[:4]
            key = f"{section}/{deal}"
            agent.hits[mode] += 1
            agent.headers.append(dict(self.headers))
            body = json.dumps(agent.bodies.get(key)).encode()
            if mode == "drop":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            elif mode == "slow":
                time.sleep(agent.delay_s)
                self._send(200, body)
            elif mode == "fail" or (mode == "flaky" and agent.hits[mode] <= agent.flaky):
                self._send(503, b'{"error": "down"}')
            elif mode == "malformed":
                self._send(200, b'{"overall_severity": "high", ')
            elif mode == "invalid":
                self._send(200, json.dumps({"overall_severity": "dire", "score": 7}).encode())
            elif key not in agent.bodies:
                self._send(404, b"{}")
            else:
                self._send(200, body)

        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name): A2A message/send
            mode = self.path.split("/")[1]
            agent.hits[mode] += 1
            agent.headers.append(dict(self.headers))
            call = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            asked = call["params"]["message"]["parts"][0]["data"]
            data = agent.bodies.get(f"{asked['section']}/{asked['deal_id']}")
            state = "working" if mode == "a2a-working" else "completed"
            artifact = {"artifactId": "a1", "parts": [{"kind": "data", "data": data}]}
            task = {"kind": "task", "id": "t1", "status": {"state": state}, "artifacts": [artifact]}
            self._send(
                200, json.dumps({"jsonrpc": "2.0", "id": call["id"], "result": task}).encode()
            )

    return Handler


@contextmanager
def serve(agent: Agent) -> Iterator[Agent]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(agent))
    server.daemon_threads = True
    agent.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield agent
    finally:
        server.shutdown()
        server.server_close()
