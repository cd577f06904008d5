"""`coach relay` killed with SIGKILL mid-delivery and started again: no event lost, none
applied twice by a receiver that de-duplicates by Idempotency-Key (evals/bench_relay.py runs
this many times)."""

from __future__ import annotations

from pathlib import Path

from evals.bench_relay import kill_run


def test_sigkill_mid_delivery_loses_nothing_and_applies_nothing_twice(tmp_path: Path) -> None:
    run = kill_run(tmp_path, events=120, kills=2, delay=0.01, seed=3)
    assert run["kills"] == 2, run  # really killed mid-delivery, twice
    assert run["lost"] == 0 and run["applied_twice"] == 0, run
    assert run["bad_signatures"] == 0, run
