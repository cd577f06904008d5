"""`coach relay` from the command line: a summary per consumer, and one message (exit 2)
for a missing or bad relay file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.interfaces.cli.app import app
from agent.respond.outbox import append_events
from evals.relay_receiver import Receiver, make_events, serve, write_config

SECRET = "cli-secret-of-at-least-32-chars!"


def test_relay_once_delivers_and_summarises(tmp_path: Path) -> None:
    outbox = tmp_path / "events.jsonl"
    append_events(outbox, make_events(3))
    receiver = Receiver(SECRET.encode(), script=["400"])
    with serve(receiver) as url:
        config = write_config(tmp_path / "relay.yaml", url, SECRET)
        args = ["relay", "--once", "--config", str(config), "--outbox", str(outbox)]
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "hook: 2 delivered, 0 not subscribed, 1 dead-lettered" in result.output
    assert "dead-letter.jsonl" in result.output


def test_without_a_relay_file_it_says_how_to_name_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COACH_RELAY", raising=False)
    result = CliRunner().invoke(app, ["relay", "--once"])
    assert result.exit_code == 2 and "COACH_RELAY" in result.output


def test_a_bad_relay_file_exits_2_with_the_field(tmp_path: Path) -> None:
    config = tmp_path / "relay.yaml"
    config.write_text("consumers:\n  - {name: a, url: 'http://h/x', secret: s, colour: red}\n")
    result = CliRunner().invoke(app, ["relay", "--once", "--config", str(config)])
    assert result.exit_code == 2 and "colour" in result.output and "Traceback" not in result.output
