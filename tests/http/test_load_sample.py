"""A small sample of the load test (evals/bench_http_load.py): concurrent sessions of two
tenants mixing calls, streams, chat turns and probes; no error, no cross-talk."""

from __future__ import annotations

import threading
import time

from evals.bench_http_load import Tally, _session
from tests.http.conftest import TENANT_DEALS, Service


def test_concurrent_sessions_get_only_their_own_answers(service: Service) -> None:
    tally, until = Tally(), time.monotonic() + 3
    plan = [("key-acme", "D-1003", "globex"), ("key-globex", "D-1008", "acme")] * 2
    workers = [
        threading.Thread(
            target=_session,
            args=(service.url, key, deal, list(TENANT_DEALS[other]), until, tally, i),
        )
        for i, (key, deal, other) in enumerate(plan)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert sum(len(v) for v in tally.latency.values()) >= len(plan)
    assert tally.errors == [] and tally.crosstalk == []
