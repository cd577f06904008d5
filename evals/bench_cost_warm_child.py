"""The warm benchmark's measuring side (evals/bench_cost_warm.py runs it): in a fresh process
over one checkout's code, a capability's warm requests timed block by block (`--serve NAME`,
the two trees' processes taking turns), the big deal's capabilities and calls never seen
before (`--large`), or the names of what is timed (`--names`)."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEAL = "D-1003"
REP = "rep-priya"  # the owner of DEAL, for rep-level capabilities
LONG_CALL = "post_call_45_minutes"


def _timed_nodes(graphs: list[Any], times: dict[str, list[float]]) -> None:
    """Wrap every node function of the compiled graphs so each call's time is recorded."""
    for graph in graphs:
        for name, node in graph.builder.nodes.items():
            runnable = node.runnable
            func = getattr(runnable, "func", None)
            if func is None or getattr(func, "_timed", False):
                continue

            runnable.func = _timer(func, times[name])


def _timer(func: Callable[..., Any], into: list[float]) -> Callable[..., Any]:
    def timed(*args: Any, **kw: Any) -> Any:
        start = time.thread_time()  # CPU time: a busy machine's waiting is not counted
        try:
            return func(*args, **kw)
        finally:
            into.append((time.thread_time() - start) * 1000)

    timed._timed = True  # type: ignore[attr-defined]
    return timed


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2) if values else 0.0


class _Collections:
    """The cyclic collector's work while it is installed (gc.callbacks): per request, the
    thread CPU time its collections took and whether one was a full (generation 2) collection,
    so a full collection that happens to fall in the timed window is reported apart instead of
    moving a median without saying so."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0]
        self.ms = 0.0
        self.full = False
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.thread_time()
            return
        self.ms += (time.thread_time() - self._started) * 1000
        self.counts[info["generation"]] += 1
        self.full = self.full or info["generation"] == 2

    def request(self) -> None:
        """A new request: its own time and flag (the counts add up over the window)."""
        self.ms, self.full = 0.0, False


class _Window:
    """Warm requests of one kind in this process, timed block by block: made after five
    untimed requests and a collection, so every tree starts its window from the same state."""

    def __init__(self, request: Any, context: Any, times: dict[str, list[float]]) -> None:
        import gc

        from agent.service import coach

        self.request, self.context, self.times = request, context, times
        for _ in range(5):  # the first loads; the others settle what later requests keep
            coach(request, context)
        for kept in times.values():
            kept.clear()
        gc.collect()
        self.collections = _Collections()

    def block(self, runs: int) -> dict[str, Any]:
        """`runs` requests, each timed (wall and thread CPU), with the collector's work."""
        import gc

        from agent.service import coach

        collections = self.collections
        gc.callbacks.append(collections)
        wall, cpu, gc_ms, full = [], [], [], []
        try:
            for _ in range(runs):
                collections.request()
                start, start_cpu = time.perf_counter(), time.thread_time()
                coach(self.request, self.context)
                cpu.append(round((time.thread_time() - start_cpu) * 1000, 3))
                wall.append(round((time.perf_counter() - start) * 1000, 3))
                gc_ms.append(round(collections.ms, 3))
                full.append(collections.full)
        finally:
            gc.callbacks.remove(collections)
        return {"wall_ms": wall, "cpu_ms": cpu, "gc_ms": gc_ms, "full_gc": full}

    def summary(self) -> dict[str, Any]:
        return {
            "gc_collections": self.collections.counts,
            "nodes_cpu_ms": {n: _median(v) for n, v in self.times.items() if v},
        }


def _long_call_request(utterances: int = 600, take: int | None = None) -> Any:
    """A debrief of a synthetic call of `utterances` turns (45 minutes for 600). With `take`,
    its first line carries that number: another call each time, so nothing kept from an
    earlier debrief of the same call applies (the cost of a call debriefed for the first time)."""
    from evals.bench_live import meeting

    call = meeting(45.0 * utterances / 600, utterances)
    segments = [
        {"speaker": u.speaker, "start": u.start_s, "end": u.end_s, "text": u.text}
        for u in call.utterances
    ]
    if take is not None:
        segments[0]["text"] = f"{segments[0]['text']} (take {take})"
    return _debrief_request(segments, f"bench-{utterances}-turns.json")


def _debrief_request(segments: list[dict[str, Any]], source: str) -> Any:
    """A debrief of DEAL's call of these JSON segments, on the sample call's date."""
    from agent.contracts.request import CoachingRequest, Meeting

    return CoachingRequest(
        capability="post_call_analysis",
        deal_id=DEAL,
        transcript=json.dumps(segments),
        transcript_source=source,
        meeting=Meeting(date=dt.date(2026, 11, 18)),
    )


def _fresh_calls(utterances: int, runs: int, context: Any) -> dict[str, Any]:
    """CPU median of debriefing a new call each time (one untimed call first, to load). The
    takes differ in their first line only, so the texts read before are forgotten each time
    (agent.reading.read.forget_texts, where the tree has it): a first reading of every line."""
    import agent.reading.read
    from agent.service import coach

    forget = getattr(agent.reading.read, "forget_texts", lambda: None)
    coach(_long_call_request(utterances, -1), context)
    cpu = []
    for take in range(runs):
        request = _long_call_request(utterances, take)
        forget()
        start = time.thread_time()
        coach(request, context)
        cpu.append((time.thread_time() - start) * 1000)
    return {"utterances": utterances, "runs": runs, "cpu_median_ms": _median(cpu)}


def _distinct_call_request(window: int, context: Any, utterances: int = 600) -> Any:
    """A debrief of a 45-minute call whose lines all differ (evals/call_lines.py: real
    conversation turns, the `window`-th stretch, so each window is a call never read before),
    spoken by the deal's owner and contacts."""
    import importlib.util

    from tools.sources import workspace_source

    # this file's own tree: the other checkout (--base) need not have the module
    here = Path(__file__).with_name("call_lines.py")
    spec = importlib.util.spec_from_file_location("call_lines", here)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    deal = workspace_source(context.workspace).load_context(DEAL).deal
    call = module.distinct_call(deal, utterances, window)
    segments = [
        {"speaker": u.speaker, "start": u.start_s, "end": u.end_s, "text": u.text}
        for u in call.utterances
    ]
    return _debrief_request(segments, f"bench-distinct-{window}.json")


def _distinct_calls(runs: int, context: Any) -> dict[str, Any]:
    """Debriefs of new 45-minute calls of distinct lines, one window each after an untimed
    first (which loads the model). Process CPU time, not the thread's: embedding runs on
    onnxruntime's threads too."""
    from agent.service import coach

    coach(_distinct_call_request(0, context), context)
    cpu, wall = [], []
    for window in range(1, runs + 1):
        request = _distinct_call_request(window, context)
        start, start_wall = time.process_time(), time.perf_counter()
        coach(request, context)
        cpu.append((time.process_time() - start) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    lines = len(json.loads(request.transcript or "[]"))
    return {
        "utterances": lines,
        "runs": runs,
        "cpu_median_ms": _median(cpu),
        "median_ms": _median(wall),
    }


def _window(name: str) -> _Window:
    """The window of one capability (or "post_call_45_minutes", the debrief of a 45-minute
    call), with each graph node's CPU time."""
    import agent.graph
    from agent.capabilities.registry import in_scope, sample_request
    from agent.settings import CoachContext

    times: dict[str, list[float]] = defaultdict(list)
    _timed_nodes([agent.graph.graph, agent.graph.rep_graph], times)
    context = CoachContext(outbox=None, memory=None)
    if name == LONG_CALL:
        return _Window(_long_call_request(), context, times)
    (spec,) = [s for s in in_scope("deal", "rep") if s.name == name]
    return _Window(sample_request(spec, DEAL, REP, context), context, times)


def measure(name: str, runs: int) -> dict[str, Any]:
    """One capability's warm requests in this process, in one block."""
    window = _window(name)
    return {**window.block(runs), **window.summary()}


PROTOCOL = "@@bench "  # the lines a served window writes for the benchmark, apart from logs


def serve(name: str) -> None:
    """A window served block by block (`--serve NAME`): "ready" once warm, then for each line
    read, a number of requests, their measures; "end": the collector's counts and node times.
    Two trees' windows take turns this way, so both see the machine's load of the same
    seconds."""
    window = _window(name)
    print(PROTOCOL + json.dumps("ready"), flush=True)
    for line in sys.stdin:
        if line.strip() == "end":
            print(PROTOCOL + json.dumps(window.summary()), flush=True)
            return
        print(PROTOCOL + json.dumps(window.block(int(line))), flush=True)


def names() -> list[str]:
    """What the warm part times: every deal and rep capability, then the 45-minute debrief."""
    from agent.capabilities.registry import in_scope

    return [spec.name for spec in in_scope("deal", "rep")] + [LONG_CALL]


def measure_large(workspace: str, runs: int, turns: int, turn_runs: int) -> dict[str, Any]:
    """Warm CPU medians of every deal capability on one deal of 5,000 activities and 200
    contacts (the workspace `workspace`), and debriefs of new calls: 45 minutes and `turns`
    turns (a long call, issue 17)."""
    import logging

    from agent.capabilities.registry import in_scope, sample_request
    from agent.service import coach
    from agent.settings import CoachContext

    logging.disable(logging.WARNING)  # the synthetic deal repeats its activities' warnings
    if workspace == "-":  # the calls, in a process of their own (the big deal's objects kept
        plain = CoachContext(outbox=None, memory=None)  # alive would slow its collector)
        calls = {"new_call_45_minutes": _fresh_calls(600, max(turn_runs, 3), plain)}
        calls["new_call_45_minutes_distinct"] = _distinct_calls(max(turn_runs, 3), plain)
        if turns:
            calls[f"new_call_{turns}_turns"] = _fresh_calls(turns, turn_runs, plain)
        return {"long_calls": calls}
    context = CoachContext(workspace=Path(workspace), outbox=None, memory=None)
    big: dict[str, Any] = {}
    for spec in in_scope("deal"):
        request = sample_request(spec, DEAL, REP, context)
        start = time.thread_time()
        coach(request, context)
        first = (time.thread_time() - start) * 1000
        cpu = []
        for _ in range(runs):
            start = time.thread_time()
            coach(request, context)
            cpu.append((time.thread_time() - start) * 1000)
        big[spec.name] = {"first_cpu_ms": round(first, 1), "cpu_median_ms": _median(cpu)}
    return {"big_deal": big}


if __name__ == "__main__" and sys.argv[1:2] == ["--names"]:
    print(json.dumps({"names": names()}))
if __name__ == "__main__" and sys.argv[1:2] == ["--serve"]:
    serve(sys.argv[2])
if __name__ == "__main__" and sys.argv[1:2] == ["--large"]:
    print(json.dumps(measure_large(sys.argv[2], *(int(a) for a in sys.argv[3:6]))))
