"""`coach serve` with COACH_RELAY set delivers the outbox beside the API, and stops the relay
when the server stops."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from agent.interfaces.http.app import create_app
from agent.interfaces.http.config import ServerSettings
from agent.respond.outbox import append_events
from agent.settings import CoachContext
from evals.relay_receiver import Receiver, make_events, serve, write_config
from tests.http.conftest import serving

SECRET = "service-secret-of-32-characters!"


def test_the_server_relays_its_outbox_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = tmp_path / "outbox" / "events.jsonl"
    receiver = Receiver(SECRET.encode())
    with serve(receiver) as hook:
        monkeypatch.setenv("COACH_RELAY", str(write_config(tmp_path / "relay.yaml", hook, SECRET)))
        base = replace(CoachContext(), memory=None, outbox=outbox)
        with serving(create_app(ServerSettings(base=base))):
            events = make_events(4)
            append_events(outbox, events)  # as a capability run would
            deadline = time.monotonic() + 20
            while len(receiver.applied) < len(events) and time.monotonic() < deadline:
                time.sleep(0.05)
        assert set(receiver.applied) == {e.id for e in events}
        append_events(outbox, make_events(1, seed=9))  # the server, and its relay, stopped
        time.sleep(0.3)
    assert len(receiver.applied) == len(events)
