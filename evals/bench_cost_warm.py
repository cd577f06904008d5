"""Warm per-request cost (issue 18, "checks that cost little"): each capability's warm
in-process median, where the time goes per graph node, and post-call analysis of a 45-minute
call. A benchmark, not a timed test: machines are noisy, so `--base DIR` measures another
checkout (a worktree of main) in the same run, alternating rounds, and reports the ratios.

    python -m evals.bench_cost --part warm --out FILE.json [--warm-runs 40] [--warm-rounds 2]
        [--base /tmp/base]

Targets: next best action at most 5 ms, every other capability at most 15 ms, the 45-minute
debrief at most 150 ms (medians, warm, in-process, memory and outbox off so the store's disk
writes are not measured). Each request's wall time and CPU time are recorded, and each node's
CPU time: on a machine shared with other work the wall time counts the waits for a core, the
CPU time does not, so ratios are taken on CPU time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEAL = "D-1003"
REP = "rep-priya"  # the owner of DEAL, for rep-level capabilities
TARGETS_MS = {"next_best_action": 5.0, "post_call_45_minutes": 150.0}
OTHER_TARGET_MS = 15.0


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


def _measure(request: Any, context: Any, runs: int, times: dict[str, list[float]]) -> Any:
    from agent.service import coach

    coach(request, context)  # warm
    for kept in times.values():
        kept.clear()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        coach(request, context)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    nodes = {n: _median(v) for n, v in times.items() if v}
    return {"median_ms": _median(wall), "cpu_median_ms": _median(cpu), "nodes_cpu_ms": nodes}


def _long_call_request() -> Any:
    from agent.contracts.request import CoachingRequest, Meeting
    from evals.bench_live import meeting

    call = meeting(45.0, 600)
    segments = [
        {"speaker": u.speaker, "start": u.start_s, "end": u.end_s, "text": u.text}
        for u in call.utterances
    ]
    return CoachingRequest(
        capability="post_call_analysis",
        deal_id=DEAL,
        transcript=json.dumps(segments),
        transcript_source="bench-45-minutes.json",
        meeting=Meeting(date=dt.date(2026, 11, 18)),
    )


def measure(runs: int, long_runs: int) -> dict[str, Any]:
    """Every capability's warm median and per-node medians in this process."""
    import agent.graph
    from agent.capabilities.registry import in_scope, sample_request
    from agent.settings import CoachContext

    times: dict[str, list[float]] = defaultdict(list)
    _timed_nodes([agent.graph.graph, agent.graph.rep_graph], times)
    context = CoachContext(outbox=None, memory=None)
    out: dict[str, Any] = {}
    for spec in in_scope("deal", "rep"):
        out[spec.name] = _measure(sample_request(spec, DEAL, REP, context), context, runs, times)
    out["post_call_45_minutes"] = _measure(_long_call_request(), context, long_runs, times)
    return out


def _child(tree: Path, runs: int, long_runs: int) -> dict[str, Any]:
    """measure() in a fresh process over the code of `tree` (this file, that checkout)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(runs), str(long_runs)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
    )
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def _merge(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Median over rounds of each capability's median and node medians."""
    merged: dict[str, Any] = {}
    for name in rounds[0]:
        nodes = {n for r in rounds for n in r[name]["nodes_cpu_ms"]}
        merged[name] = {
            "median_ms": _median([r[name]["median_ms"] for r in rounds]),
            "cpu_median_ms": _median([r[name]["cpu_median_ms"] for r in rounds]),
            "nodes_cpu_ms": {
                n: _median([r[name]["nodes_cpu_ms"].get(n, 0.0) for r in rounds]) for n in nodes
            },
        }
    return merged


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warm-runs", type=int, default=40, help="Requests per capability")
    parser.add_argument("--warm-long-runs", type=int, default=8, help="45-minute debriefs")
    parser.add_argument("--warm-rounds", type=int, default=2, help="Alternating rounds")
    if "--base" not in parser._option_string_actions:  # another part may declare it too
        parser.add_argument("--base", type=Path, help="Another checkout to compare with")


def run(args: argparse.Namespace) -> dict[str, Any]:
    here = Path(__file__).resolve().parents[1]
    runs, long_runs = args.warm_runs, args.warm_long_runs
    mine: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    for _ in range(args.warm_rounds):
        if args.base is not None:
            theirs.append(_child(args.base.resolve(), runs, long_runs))
        mine.append(_child(here, runs, long_runs))
    now = _merge(mine)
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "runs": runs,
        "rounds": args.warm_rounds,
        "capabilities": {
            name: {
                **r,
                "target_ms": TARGETS_MS.get(name, OTHER_TARGET_MS),
                "passed": r["median_ms"] <= TARGETS_MS.get(name, OTHER_TARGET_MS),
                "cpu_passed": r["cpu_median_ms"] <= TARGETS_MS.get(name, OTHER_TARGET_MS),
            }
            for name, r in now.items()
        },
    }
    if theirs:
        before = _merge(theirs)
        results["base"] = str(args.base)
        for name, r in results["capabilities"].items():
            r["before_ms"] = before[name]["median_ms"]
            r["before_cpu_ms"] = before[name]["cpu_median_ms"]
            r["before_nodes_cpu_ms"] = before[name]["nodes_cpu_ms"]
            r["ratio"] = round(r["median_ms"] / before[name]["median_ms"], 2)
            r["cpu_ratio"] = round(r["cpu_median_ms"] / before[name]["cpu_median_ms"], 2)
    for name, r in results["capabilities"].items():
        against = (
            f" (before {r['before_ms']} / {r['before_cpu_ms']} ms, ratio {r['cpu_ratio']})"
            if theirs
            else ""
        )
        busiest = sorted(r["nodes_cpu_ms"].items(), key=lambda kv: -kv[1])[:3]
        nodes = ", ".join(f"{n} {ms}" for n, ms in busiest)
        print(
            f"{name}: median {r['median_ms']} ms, CPU {r['cpu_median_ms']} ms{against}, "
            f"target {r['target_ms']} ms; slowest nodes (CPU): {nodes}",
            file=sys.stderr,
        )
    return results


PARTS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {"warm": run}


if __name__ == "__main__" and sys.argv[1:2] == ["--measure"]:
    print(json.dumps(measure(int(sys.argv[2]), int(sys.argv[3]))))
