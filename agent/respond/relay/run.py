"""One relay per outbox: a worker thread per consumer, under the outbox's relay lock, so a
second `coach relay` (or a second `coach serve` worker) waits its turn instead of sending
every event twice. State lives beside the outbox in `relay/`: a cursor per consumer and
`dead-letter.jsonl`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from filelock import Timeout

from agent.errors import InvalidInput
from agent.files import lock_for
from agent.respond.relay.config import RelayConfig
from agent.respond.relay.deliver import DeadLetters, Stats, Worker

log = logging.getLogger(__name__)


def state_dir(outbox: Path) -> Path:
    return outbox.parent / "relay"


@dataclass
class Relay:
    config: RelayConfig
    outbox: Path
    transport: httpx.BaseTransport | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    stats: dict[str, Stats] = field(default_factory=dict)
    errors: list[Exception] = field(default_factory=list)  # a worker's, raised by `run(once)`

    def run(self, once: bool = False, wait_for_lock: float = 0) -> dict[str, Stats]:
        """Delivers until stopped (or, with `once`, until every consumer has reached the end
        of the outbox). Raises InvalidInput when another relay holds this outbox."""
        state = state_dir(self.outbox)
        state.mkdir(parents=True, exist_ok=True)
        lock = lock_for(state / "running", timeout=wait_for_lock)
        try:
            lock.acquire()
        except Timeout:
            raise InvalidInput(
                "another relay is delivering this outbox",
                where=str(self.outbox),
                fix="Stop it first; one relay per outbox keeps each event sent once per pass",
            ) from None
        try:
            dead = DeadLetters(state / "dead-letter.jsonl")
            cfg = self.config
            workers = [
                Worker(c, self.outbox, state, dead, self.stop, self.transport, cfg.cursor_seconds)
                for c in self.config.consumers
            ]
            self.stats = {w.consumer.name: w.stats for w in workers}
            threads = [
                threading.Thread(target=self._loop, args=(w, once), name=f"relay-{w.consumer.name}")
                for w in workers
            ]
            for t in threads:
                t.start()
            try:
                for t in threads:
                    t.join()
            except BaseException:  # Ctrl-C: the workers stop before the lock is let go
                self.stop.set()
                for t in threads:
                    t.join()
                raise
            if self.errors:
                raise self.errors[0]
            return self.stats
        finally:
            lock.release()

    def _loop(self, worker: Worker, once: bool) -> None:
        try:
            while not self.stop.is_set():
                try:
                    worker.drain()
                except Exception as exc:  # a bad cursor or a full disk: say so, try again
                    if once:
                        self.errors.append(exc)
                        return
                    log.exception("relay to %s failed; retrying", worker.consumer.name)
                if once or self.stop.wait(self.config.poll_seconds):
                    return
        finally:
            worker.close()


class Background:
    """Relays started beside `coach serve`; `close()` stops them at shutdown."""

    def __init__(self, relays: list[Relay]) -> None:
        self.relays = relays
        self.threads = [
            threading.Thread(target=self._run, args=(r,), name="relay", daemon=True) for r in relays
        ]
        for t in self.threads:
            t.start()

    @staticmethod
    def _run(relay: Relay) -> None:
        try:
            relay.run()
        except InvalidInput as exc:  # another worker relays this outbox: it stays with it
            log.info("relay not started: %s", exc)
        except Exception:
            log.exception("relay for %s stopped", relay.outbox)

    def close(self, timeout: float = 15.0) -> None:
        for r in self.relays:
            r.stop.set()
        for t in self.threads:
            t.join(timeout)


def start_background(config_file: Path, outboxes: list[Path]) -> Background:
    """A relay per outbox (the config's own `outbox`, when set, instead of the given ones)."""
    from agent.respond.relay.config import load

    config = load(config_file)
    chosen = [config.outbox] if config.outbox is not None else sorted(set(outboxes))
    return Background([Relay(config, o) for o in chosen])
