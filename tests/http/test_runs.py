"""A run stops when its client goes away: the worker pulls no step after that."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from agent.interfaces.http.deps import ApiError
from agent.interfaces.http.runs import steps


def test_leaving_the_stream_closes_the_run_before_its_next_step() -> None:
    pulled: list[int] = []
    closed = threading.Event()

    def run() -> Iterator[int]:
        try:
            for i in range(100):
                pulled.append(i)
                yield i
                threading.Event().wait(0.01)
        finally:
            closed.set()

    async def client() -> list[int]:
        seen = []
        async for item in steps(run, timeout_s=10):
            seen.append(item)
            if len(seen) == 2:
                break  # the client disconnects
        return seen

    assert asyncio.run(client()) == [0, 1]
    assert closed.wait(5) and len(pulled) <= 4


def test_a_slow_step_is_a_504_and_the_run_is_closed() -> None:
    closed = threading.Event()

    def run() -> Iterator[int]:
        try:
            yield 1
            threading.Event().wait(0.3)
            yield 2
        finally:
            closed.set()

    async def client() -> None:
        async for _ in steps(run, timeout_s=0.1):
            pass

    with pytest.raises(ApiError) as caught:
        asyncio.run(client())
    assert caught.value.status == 504 and closed.wait(5)


def test_runs_beyond_the_slots_wait_for_one() -> None:
    from agent.interfaces.http.runs import last

    spans: list[tuple[float, float]] = []

    def run() -> Iterator[int]:
        began = time.monotonic()
        threading.Event().wait(0.1)
        spans.append((began, time.monotonic()))
        yield 1

    async def two() -> None:
        slots = asyncio.Semaphore(1)
        await asyncio.gather(last(run, 5, slots), last(run, 5, slots))

    asyncio.run(two())
    (a_start, a_end), (b_start, _) = sorted(spans)
    assert b_start >= a_end - 0.005  # one at a time, not side by side
