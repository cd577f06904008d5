"""The relay's delivery rate and its crash safety, against a receiver on loopback.

    python -m evals.bench_relay                     # 2,000 events, 5 kill runs
    python -m evals.bench_relay --events 500 --kill-runs 20 --out bench-results/relay.json

- rate: events/s one consumer receives from `Relay.run(once=True)` in this process (signing,
  one HTTP request per event, a cursor write per event).
- kill: `coach relay` runs as a process against a receiver that takes a few ms per event and
  is SIGKILLed at random moments (a few times per run), then run again to the end. Lost =
  events never applied; twice = events applied more than once by the idempotent receiver
  (must both be 0); duplicates = events delivered again after a kill (expected, harmless).
tests/relay/test_kill.py runs one kill run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.respond.outbox import append_events
from agent.respond.relay.config import load
from agent.respond.relay.run import Relay
from evals.relay_receiver import Receiver, make_events, serve, write_config

SECRET = "bench-secret-of-32-characters-xx"
ROOT = Path(__file__).resolve().parent.parent


def rate(events: int, folder: Path) -> dict[str, Any]:
    outbox = folder / "rate" / "events.jsonl"
    append_events(outbox, make_events(events))
    receiver = Receiver(SECRET.encode())
    with serve(receiver) as url:
        config = load(write_config(folder / "rate.yaml", url, SECRET))
        start = time.perf_counter()
        stats = Relay(config, outbox).run(once=True)["hook"]
        seconds = time.perf_counter() - start
    return {
        "events": events,
        "delivered": stats.delivered,
        "seconds": round(seconds, 3),
        "events_per_s": round(stats.delivered / seconds, 1),
    }


def _start(config: Path, outbox: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COACH_LOG_LEVEL": "error"}
    command = [sys.executable, "-m", "agent.interfaces.cli.app", "relay", "--once"]
    command += ["--config", str(config), "--outbox", str(outbox)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def kill_run(
    folder: Path, events: int = 120, kills: int = 2, delay: float = 0.005, seed: int = 0
) -> dict[str, Any]:
    """One run: `kills` SIGKILLs at random points of delivery, then a run to the end."""
    rng = random.Random(seed)
    outbox = folder / "outbox" / "events.jsonl"
    written = make_events(events, seed=seed)
    append_events(outbox, written)
    receiver = Receiver(SECRET.encode(), delay=delay)
    killed = 0
    with serve(receiver) as url:
        config = write_config(folder / "relay.yaml", url, SECRET, backoff_seconds=0.05)
        for _ in range(kills):
            target = len(receiver.received) + rng.randrange(1, max(2, events // (kills + 1)))
            process = _start(config, outbox)
            deadline = time.monotonic() + 60
            while len(receiver.received) < target and process.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.002)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed += 1
            process.wait()
        final = _start(config, outbox)
        _, stderr = final.communicate(timeout=120)
        if final.returncode != 0:
            raise RuntimeError(f"relay failed: {stderr.decode()[-2000:]}")
    applied = receiver.applied
    return {
        "events": events,
        "kills": killed,
        "lost": sum(1 for e in written if applied[e.id] == 0),
        "applied_twice": sum(1 for e in written if applied[e.id] > 1),
        "duplicates_delivered": len(receiver.received) - len(set(receiver.received)),
        "bad_signatures": receiver.bad_signatures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000, help="events for the rate")
    parser.add_argument("--kill-runs", type=int, default=5)
    parser.add_argument("--kill-events", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result: dict[str, Any] = {"rate": rate(args.events, Path(tmp))}
        print(json.dumps(result["rate"]))
        runs = []
        for i in range(args.kill_runs):
            run = kill_run(Path(tmp) / f"kill-{i}", events=args.kill_events, kills=3, seed=i)
            print(json.dumps(run))
            runs.append(run)
    result["kill"] = {
        "runs": len(runs),
        "kills": sum(r["kills"] for r in runs),
        "lost": sum(r["lost"] for r in runs),
        "applied_twice": sum(r["applied_twice"] for r in runs),
        "duplicates_delivered": sum(r["duplicates_delivered"] for r in runs),
    }
    print(json.dumps(result["kill"]))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if result["kill"]["lost"] or result["kill"]["applied_twice"] else 0


if __name__ == "__main__":
    sys.exit(main())
