"""Delivery to one consumer: read the outbox from the consumer's cursor, post each event it
wants, retry what may succeed later, dead-letter what never will, then move the cursor.

At least once: the cursor moves only after an event is delivered, skipped or dead-lettered,
so a crash between the receiver's answer and the cursor write sends that event again. Each
request carries the event id as `Idempotency-Key`; a receiver that remembers the keys it has
applied applies every event exactly once. Events go out in outbox order, one at a time per
consumer, so a receiver also sees them in the order they were written.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError

from agent.contracts.events import DownstreamEvent
from agent.errors import InvalidInput
from agent.files import lock_for, write_atomic
from agent.respond.relay.config import Consumer
from agent.respond.relay.signing import HEADER, sign

log = logging.getLogger(__name__)
RETRYABLE_4XX = frozenset({408, 429})
USER_AGENT = "sales-coach-relay/1"


@dataclass
class Stats:
    """What one consumer's worker did (the CLI's summary, the benchmark's counts)."""

    delivered: int = 0
    skipped: int = 0
    dead: int = 0
    attempts: int = 0
    retries: int = 0


class Cursor:
    """The byte offset in the outbox after the last event this consumer is done with, and that
    event's id (for people reading the file), replaced atomically so a kill leaves the old
    cursor or the new one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> int:
        if not self.path.is_file():
            return 0
        try:
            offset = json.loads(self.path.read_text(encoding="utf-8"))["offset"]
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(
                "unreadable relay cursor",
                where=str(self.path),
                fix="Delete it to deliver the whole outbox again (receivers de-duplicate by id)",
            ) from None
        if not isinstance(offset, int) or offset < 0:
            raise InvalidInput("cursor offset is not a byte offset", where=str(self.path))
        return offset

    def write(self, offset: int, event_id: str | None) -> None:
        write_atomic(self.path, json.dumps({"offset": offset, "event_id": event_id}) + "\n")


class DeadLetters:
    """Events a consumer will never take, one JSON line each with the reason, for a person to
    look at and replay; shared by the consumers of one outbox."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, consumer: str, line: bytes, reason: str, attempts: int) -> None:
        try:
            event: Any = json.loads(line)
        except ValueError:
            event = line.decode("utf-8", "replace")
        record = {
            "consumer": consumer,
            "at": dt.datetime.now(dt.UTC).isoformat(),
            "reason": reason,
            "attempts": attempts,
            "event": event,
        }
        with lock_for(self.path), self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        log.warning("dead-lettered an event for %s: %s", consumer, reason)


class Worker:
    """Delivers one outbox to one consumer; `stop` ends it between requests or backoffs."""

    def __init__(
        self,
        consumer: Consumer,
        outbox: Path,
        state: Path,
        dead: DeadLetters,
        stop: threading.Event,
        transport: httpx.BaseTransport | None = None,
        cursor_seconds: float = 0.5,
    ) -> None:
        self.cursor_seconds = cursor_seconds
        self.consumer, self.outbox, self.dead, self.stop = consumer, outbox, dead, stop
        self.cursor = Cursor(state / f"{consumer.name}.cursor.json")
        self.secret = consumer.key()
        self.client = httpx.Client(transport=transport, headers={"User-Agent": USER_AGENT})
        self.stats = Stats()

    def close(self) -> None:
        self.client.close()

    def drain(self) -> None:
        """Everything written so far (complete lines only: a line still being appended waits
        for the next pass). The cursor is saved at most every `cursor_seconds` and when the
        pass ends (an fsync per event would cap delivery near 100 events/s): a kill re-sends
        at most that much, which the idempotency key makes harmless."""
        if not self.outbox.is_file():
            return
        offset = self.cursor.read()
        size = self.outbox.stat().st_size
        if offset > size:
            log.warning("%s is shorter than the cursor (replaced?); starting over", self.outbox)
            offset = 0
        saved, saved_at, last_id = offset, time.monotonic(), None
        try:
            with self.outbox.open("rb") as handle:
                handle.seek(offset)
                while not self.stop.is_set():
                    line = handle.readline()
                    if not line.endswith(b"\n"):
                        return
                    done, event_id = self._handle(line.strip())
                    if not done:
                        return  # stopped mid-event: it stays pending
                    offset, last_id = offset + len(line), event_id or last_id
                    if time.monotonic() - saved_at >= self.cursor_seconds:
                        self.cursor.write(offset, last_id)
                        saved, saved_at = offset, time.monotonic()
        finally:
            if offset != saved:
                self.cursor.write(offset, last_id)

    def _handle(self, line: bytes) -> tuple[bool, str | None]:
        if not line:
            return True, None
        try:
            event = DownstreamEvent.model_validate_json(line)
        except ValidationError as exc:
            self.stats.dead += 1
            self.dead.add(self.consumer.name, line, f"not a valid event: {exc.errors()[0]}", 0)
            return True, None
        if not self.consumer.wants(event.payload.type):
            self.stats.skipped += 1
            return True, event.id
        return self._deliver(line, event.id, event.payload.type), event.id

    def _deliver(self, body: bytes, event_id: str, event_type: str) -> bool:
        """True once the event is delivered or dead-lettered; False when stopped first."""
        c = self.consumer
        reason = ""
        for attempt in range(1, c.max_attempts + 1):
            if self.stop.is_set():
                return False
            self.stats.attempts += 1
            retry_after = 0.0
            headers = {
                "Content-Type": "application/json",
                "Idempotency-Key": event_id,
                "Coach-Event-Id": event_id,
                "Coach-Event-Type": event_type,
                "Coach-Delivery-Attempt": str(attempt),
                HEADER: sign(self.secret, body),
            }
            try:
                answer = self.client.post(
                    str(c.url), content=body, headers=headers, timeout=c.timeout_seconds
                )
            except httpx.HTTPError as exc:
                reason = f"{type(exc).__name__}: {exc}"[:300]
            else:
                status = answer.status_code
                if 200 <= status < 300:
                    self.stats.delivered += 1
                    return True
                if 400 <= status < 500 and status not in RETRYABLE_4XX:
                    self.stats.dead += 1
                    self.dead.add(c.name, body, f"HTTP {status} (permanent)", attempt)
                    return True
                reason = f"HTTP {status}"
                retry_after = _seconds(answer.headers.get("Retry-After"))
            if attempt == c.max_attempts:
                break
            self.stats.retries += 1
            ceiling = min(c.max_backoff_seconds, c.backoff_seconds * 2 ** (attempt - 1))
            delay = max(random.uniform(0, ceiling), min(retry_after, c.max_backoff_seconds))  # noqa: S311 - jitter, not secrecy
            log.info("retrying %s for %s in %.2fs (%s)", event_id, c.name, delay, reason)
            if self.stop.wait(delay):
                return False
        self.stats.dead += 1
        self.dead.add(c.name, body, f"{c.max_attempts} attempts; last: {reason}", c.max_attempts)
        return True


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0  # an HTTP date: the backoff decides
