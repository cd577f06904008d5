"""Running the (synchronous) graphs for an asynchronous server: step by step in a worker
thread, with a deadline, and stopped when nobody waits any more.

A run is an iterator (agent.service.stream, a chat turn): the worker pulls one step at a time
and hands it over; between steps it checks whether the client went away or the time ran out,
and then closes the iterator, which stops the graph before its next node. So a timeout (504)
or a disconnect never leaves a run going on for nobody, beyond the step already under way.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

from agent.interfaces.http.deps import ApiError

T = TypeVar("T")
_DONE = object()


def _too_slow(timeout_s: float) -> ApiError:
    return ApiError(
        504,
        "timeout",
        f"the run took longer than {timeout_s:g} s and was stopped. "
        "Try again, or ask for less (a shorter transcript, one capability)",
    )


async def steps(
    start: Callable[[], Iterator[T]],
    timeout_s: float,
    slots: asyncio.Semaphore | None = None,
) -> AsyncIterator[T]:
    """Yields the run's steps as the worker produces them; raises ApiError(504) when the
    deadline passes first. Leaving the loop early (a disconnect) stops the worker.

    `slots` bounds the runs going on at once: on a busy server a run waits for a slot (its
    deadline counting) rather than slowing every other run down. With more threads than cores
    competing for the interpreter, a run with many steps (a chat turn) waits for the
    interpreter at every step and falls far behind short ones; in turn, they stay fair."""
    loop = asyncio.get_running_loop()
    deadline = time.monotonic() + timeout_s
    if slots is not None:
        try:
            await asyncio.wait_for(slots.acquire(), timeout=timeout_s)
        except TimeoutError:
            raise _too_slow(timeout_s) from None
    queue: asyncio.Queue[Any] = asyncio.Queue()
    stop = threading.Event()
    context = contextvars.copy_context()  # the request id and anything else bound for logs

    def put(item: Any) -> None:
        if stop.is_set():
            return  # nobody waits any more (and the loop may be gone)
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the event loop closed under a run nobody waits for
            stop.set()

    def work() -> None:
        iterator: Iterator[T] | None = None
        try:
            iterator = start()
            for item in iterator:
                if stop.is_set():
                    break
                put(item)
            put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
            put(exc)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
            if slots is not None:  # the slot is free when the work is, not the waiting
                with contextlib.suppress(RuntimeError):  # a closed loop frees nothing
                    loop.call_soon_threadsafe(slots.release)

    threading.Thread(target=context.run, args=(work,), daemon=True, name="coach-run").start()
    try:
        while True:
            left = deadline - time.monotonic()
            try:
                item = await asyncio.wait_for(queue.get(), timeout=max(left, 0.0))
            except TimeoutError:
                raise _too_slow(timeout_s) from None
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


async def last(
    start: Callable[[], Iterator[T]], timeout_s: float, slots: asyncio.Semaphore | None = None
) -> T:
    """The run's final step (a response), within the deadline."""
    found: list[T] = []
    async for item in steps(start, timeout_s, slots):
        found[:] = [item]
    if not found:
        raise RuntimeError("the run ended without a result")
    return found[0]
