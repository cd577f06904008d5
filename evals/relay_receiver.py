"""A downstream agent's webhook on loopback, for the relay's tests and benchmark: it checks
each request's signature, answers as scripted (fail, stall, drop the connection, then
succeed), and applies each event at most once, keyed by `Idempotency-Key`, as a real
receiver should. `applied` counts how many times each event took effect: more than 1 means
an event was applied twice; an id missing means an event was lost."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from agent.contracts.events import (
    ClosingStrategyGuidance,
    CoachingEffectiveness,
    DownstreamEvent,
    EventPayload,
    ProcessImprovementInsight,
)
from agent.respond.relay.signing import HEADER, verify

# An action for one request: "ok", an HTTP status ("500", "400", "429"), "slow:<seconds>"
# (answers 200 after the wait: the relay has usually given up by then), "drop" (closes the
# connection without an answer).
Action = str


class Receiver:
    def __init__(self, secret: bytes, script: list[Action] | None = None, delay: float = 0.0):
        self.secret = secret
        self.script = list(script or [])
        self.delay = delay  # seconds every request takes (a receiver that does work)
        self.lock = threading.Lock()
        self.received: list[str] = []  # keys in arrival order, duplicates included
        self.keys: set[str] = set()
        self.applied: Counter[str] = Counter()  # event id (from the body) -> times applied
        self.bad_signatures = 0
        self.actions: list[Action] = []

    def _next(self) -> Action:
        with self.lock:
            action = self.script.pop(0) if self.script else "ok"
            self.actions.append(action)
            return action

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        body = handler.rfile.read(length)
        if len(body) < length:  # the sender died mid-request: nothing to answer
            handler.close_connection = True
            return
        action = self._next()
        if action == "drop":
            handler.close_connection = True
            return
        if action.startswith("slow:"):
            time.sleep(float(action.split(":", 1)[1]))
            action = "ok"
        if self.delay:
            time.sleep(self.delay)
        key = handler.headers.get("Idempotency-Key", "")
        if not verify(self.secret, handler.headers.get(HEADER, ""), body):
            with self.lock:
                self.bad_signatures += 1
            self._answer(handler, 401)
            return
        with self.lock:
            self.received.append(key)
        if action != "ok":
            self._answer(handler, int(action))
            return
        event_id = json.loads(body)["id"]
        with self.lock:
            if key not in self.keys:  # the idempotency check: a key seen before is a repeat
                self.keys.add(key)
                self.applied[event_id] += 1  # the effect, counted per event
        self._answer(handler, 200)

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@contextmanager
def serve(receiver: Receiver) -> Iterator[str]:
    """Runs the receiver on a free loopback port; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            receiver.handle(self)

        def log_message(self, *args: Any) -> None:
            return

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            return  # a relay killed mid-request resets its connection: expected here

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def make_events(n: int, seed: int = 0) -> list[DownstreamEvent]:
    """`n` events cycling through the three payload types (synthetic, no workspace data)."""
    rng = random.Random(seed)
    payloads: list[EventPayload] = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            payloads.append(
                ClosingStrategyGuidance(
                    stage="negotiation",
                    expected_close=dt.date(2027, 1, 1) + dt.timedelta(days=rng.randrange(90)),
                    risks_in_order=[f"risk {i}"],
                    next_milestones=[f"milestone {i}"],
                    blockers=[],
                )
            )
        elif kind == 1:
            payloads.append(
                ProcessImprovementInsight(
                    process="p",
                    stage="discovery",
                    missed_steps=[f"step {i}"],
                    waived_steps=[],
                    skipped_stages=[],
                    rep_id=f"rep-{i % 7}",
                    rep_pattern=[],
                    suggestions=[],
                )
            )
        else:
            payloads.append(
                CoachingEffectiveness(
                    rep_id=f"rep-{i % 7}",
                    period="2026-Q4",
                    recommendations_given=3,
                    followed=1,
                    not_followed=1,
                    too_early=1,
                    outcomes_when_followed={"won": 1},
                    outcomes_when_not_followed={"open": 1},
                    focus_skills=[],
                    commitments=[],
                )
            )
    return [DownstreamEvent(deal_id=f"deal-{i}", payload=p) for i, p in enumerate(payloads)]


def write_config(path: Path, url: str, secret: str, **consumer: Any) -> Path:
    """A relay file with one consumer `hook` at `url` (extra consumer fields as keywords)."""
    entry = {"name": "hook", "url": url, "secret": secret, **consumer}
    path.write_text(yaml.safe_dump({"poll_seconds": 0.05, "consumers": [entry]}), "utf-8")
    return path
