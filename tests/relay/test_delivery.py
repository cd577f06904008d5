"""The relay against real receivers on loopback: signed delivery, retries (5xx, timeouts,
dropped connections), dead letters (4xx, too many attempts), the cursor, the lock."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from agent.errors import InvalidInput
from agent.respond.outbox import append_events
from agent.respond.relay.config import RelayConfig, load
from agent.respond.relay.run import Relay, state_dir
from agent.respond.relay.signing import sign, verify
from evals.relay_receiver import Receiver, make_events, serve, write_config

SECRET = "s" * 32
FAST = {"backoff_seconds": 0.01, "max_backoff_seconds": 0.05, "timeout_seconds": 2}


def _relay(tmp_path: Path, url: str, **consumer: Any) -> Relay:
    config = load(write_config(tmp_path / "relay.yaml", url, SECRET, **{**FAST, **consumer}))
    return Relay(config, tmp_path / "outbox" / "events.jsonl")


def _dead(tmp_path: Path) -> list[dict[str, Any]]:
    path = state_dir(tmp_path / "outbox" / "events.jsonl") / "dead-letter.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_signed_delivery_in_order_and_resumes_from_the_cursor(tmp_path: Path) -> None:
    events = make_events(6)
    append_events(tmp_path / "outbox" / "events.jsonl", events)
    receiver = Receiver(SECRET.encode())
    with serve(receiver) as url:
        stats = _relay(tmp_path, url).run(once=True)["hook"]
        assert stats.delivered == 6 and stats.retries == 0 and stats.dead == 0
        assert receiver.received == [e.id for e in events]  # the key is the id, in order
        assert receiver.bad_signatures == 0
        more = make_events(2, seed=1)
        append_events(tmp_path / "outbox" / "events.jsonl", more)
        again = _relay(tmp_path, url).run(once=True)["hook"]
    assert again.delivered == 2  # only what came after the cursor
    assert receiver.received[6:] == [e.id for e in more]


def test_the_signature_fails_for_another_secret_a_changed_body_or_an_old_timestamp() -> None:
    body = b'{"id": "x"}'
    header = sign(SECRET.encode(), body)
    assert verify(SECRET.encode(), header, body)
    assert not verify(b"another secret of 32 characters", header, body)
    assert not verify(SECRET.encode(), header, body + b" ")
    assert not verify(SECRET.encode(), header, body, now=time.time() + 301)
    assert not verify(SECRET.encode(), "v1=abc", body)


def test_a_receiver_with_another_secret_rejects_and_the_event_is_dead_lettered(
    tmp_path: Path,
) -> None:
    append_events(tmp_path / "outbox" / "events.jsonl", make_events(1))
    receiver = Receiver(b"the receiver's own secret, differs")
    with serve(receiver) as url:
        stats = _relay(tmp_path, url).run(once=True)["hook"]
    assert receiver.bad_signatures == 1 and not receiver.applied
    assert stats.dead == 1 and _dead(tmp_path)[0]["reason"] == "HTTP 401 (permanent)"


@pytest.mark.parametrize("fault", [["500", "503"], ["429"], ["slow:1.5"], ["drop", "drop"]])
def test_failures_that_may_pass_are_retried_and_applied_once(
    tmp_path: Path, fault: list[str]
) -> None:
    events = make_events(3)
    append_events(tmp_path / "outbox" / "events.jsonl", events)
    receiver = Receiver(SECRET.encode(), script=fault)
    with serve(receiver) as url:
        stats = _relay(tmp_path, url, timeout_seconds=0.5).run(once=True)["hook"]
    assert stats.delivered == 3 and stats.dead == 0
    assert stats.retries == len(fault)
    assert dict(receiver.applied) == {e.id: 1 for e in events}


def test_a_client_error_is_dead_lettered_at_once_and_delivery_goes_on(tmp_path: Path) -> None:
    events = make_events(3)
    append_events(tmp_path / "outbox" / "events.jsonl", events)
    receiver = Receiver(SECRET.encode(), script=["400"])
    with serve(receiver) as url:
        stats = _relay(tmp_path, url).run(once=True)["hook"]
    assert (stats.delivered, stats.dead, stats.retries) == (2, 1, 0)
    [dead] = _dead(tmp_path)
    assert dead["event"]["id"] == events[0].id and dead["reason"] == "HTTP 400 (permanent)"
    assert set(receiver.applied) == {e.id for e in events[1:]}


def test_too_many_failed_attempts_go_to_the_dead_letter_file(tmp_path: Path) -> None:
    append_events(tmp_path / "outbox" / "events.jsonl", make_events(2))
    receiver = Receiver(SECRET.encode(), script=["500"] * 3)
    with serve(receiver) as url:
        stats = _relay(tmp_path, url, max_attempts=3).run(once=True)["hook"]
    assert (stats.delivered, stats.dead, stats.attempts) == (1, 1, 4)
    assert _dead(tmp_path)[0]["reason"] == "3 attempts; last: HTTP 500"


def test_a_consumer_gets_only_its_event_types(tmp_path: Path) -> None:
    events = make_events(6)
    append_events(tmp_path / "outbox" / "events.jsonl", events)
    receiver = Receiver(SECRET.encode())
    with serve(receiver) as url:
        stats = _relay(tmp_path, url, events=["coaching_effectiveness"]).run(once=True)["hook"]
    wanted = [e.id for e in events if e.payload.type == "coaching_effectiveness"]
    assert receiver.received == wanted and stats.skipped == len(events) - len(wanted)


def test_a_running_relay_picks_up_new_events_but_not_a_half_written_line(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox" / "events.jsonl"
    receiver = Receiver(SECRET.encode())
    with serve(receiver) as url:
        relay = _relay(tmp_path, url)
        thread = threading.Thread(target=relay.run)
        thread.start()
        events = make_events(3)
        append_events(outbox, events)
        half = make_events(1, seed=2)[0].model_dump_json()
        with outbox.open("a") as handle:
            handle.write(half[:20])
        deadline = time.monotonic() + 5
        while len(receiver.applied) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        relay.stop.set()
        thread.join(5)
    assert set(receiver.applied) == {e.id for e in events}
    assert not _dead(tmp_path)  # the half line waits; it is not dead-lettered


def test_one_relay_per_outbox(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox" / "events.jsonl"
    append_events(outbox, make_events(1))
    with serve(Receiver(SECRET.encode())) as url:
        first = _relay(tmp_path, url)
        thread = threading.Thread(target=first.run)
        thread.start()
        time.sleep(0.2)
        try:
            with pytest.raises(InvalidInput, match="another relay"):
                _relay(tmp_path, url).run(once=True)
        finally:
            first.stop.set()
            thread.join(5)


def test_a_bad_relay_file_is_one_message_naming_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "relay.yaml"
    path.write_text("consumers:\n  - name: a\n    url: ftp://x\n    secret: short\n")
    with pytest.raises(InvalidInput) as caught:
        load(path)
    assert str(path) in str(caught.value) and "consumers[0].url" in str(caught.value)
    path.write_text("consumers:\n  - {name: a, url: 'http://h/x', secret_env: HOOK_SECRET}\n")
    monkeypatch.delenv("HOOK_SECRET", raising=False)
    with pytest.raises(InvalidInput, match="HOOK_SECRET is unset"):
        load(path)
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    assert isinstance(load(path), RelayConfig)


def test_an_unknown_event_type_and_an_unreadable_cursor_are_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown event type 'deal_won'"):
        _relay(tmp_path, "http://127.0.0.1:9/hook", events=["deal_won"])
    outbox = tmp_path / "outbox" / "events.jsonl"
    append_events(outbox, make_events(1))
    (state_dir(outbox) / "hook.cursor.json").parent.mkdir(parents=True, exist_ok=True)
    (state_dir(outbox) / "hook.cursor.json").write_text("{not json")
    with pytest.raises(InvalidInput, match="unreadable relay cursor"):
        _relay(tmp_path, "http://127.0.0.1:9/hook").run(once=True)
