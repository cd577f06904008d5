"""Warm per-request cost (issue 18, "checks that cost little"): each capability's warm
in-process median, where the time goes per graph node, and post-call analysis of a 45-minute
call. A benchmark, not a timed test: machines are noisy, so `--base DIR` measures another
checkout (a worktree of main) in the same run, alternating rounds, and reports the ratios.

    python -m evals.bench_cost --part warm --out FILE.json [--warm-runs 40] [--warm-rounds 2]
        [--warm-big-runs 3] [--warm-turns 19000] [--base /tmp/base]

It also measures, once per tree, every deal capability warm on a deal of 5,000 activities and
200 contacts (evals/synthetic_workspace.py big_deal; target 100 ms each), and debriefs of calls
never seen before (a new call each run, so nothing kept from an earlier debrief applies): 45
minutes, and a long call of `--warm-turns` turns (19,000: seconds, and minutes on main). Those
two repeat the sample call's 42 lines, which flatters every cost kept per line; so a third, 45
minutes of 600 lines that all differ (evals/call_lines.py, real conversation turns from
../shared), is timed as well (`new_call_45_minutes_distinct`, process CPU time).

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


def _child(tree: Path, *args: object) -> dict[str, Any]:
    """measure() (or measure_large() with "--large") in a fresh process over the code of
    `tree` (this file, that checkout)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    flag = "--large" if args and args[0] == "--large" else "--measure"
    done = subprocess.run(
        [sys.executable, __file__, flag, *(str(a) for a in args if a != "--large")],
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
    parser.add_argument(
        "--warm-big-runs", type=int, default=3, help="warm runs per capability on the big deal"
    )
    parser.add_argument(
        "--warm-turns", type=int, default=19000, help="turns of the long call (0: leave out)"
    )
    parser.add_argument("--warm-turn-runs", type=int, default=1, help="debriefs of the long call")
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
    results.update(_large(args, here))
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


def _large(args: argparse.Namespace, here: Path) -> dict[str, Any]:
    """The big deal (5,000 activities, 200 contacts; target 100 ms each) and new calls (45
    minutes, target 150 ms; and the long call), once per tree, with ratios to `--base`."""
    import tempfile

    from evals.synthetic_workspace import big_deal

    ws = big_deal(Path(tempfile.mkdtemp(prefix="bench-big-deal-")) / "ws", 5000, 200)
    theirs: dict[str, Any] | None = None
    mine: dict[str, Any] = {}
    for where in (ws, "-"):  # the big deal, then the calls, each in a fresh process
        large = (where, args.warm_big_runs, args.warm_turns, args.warm_turn_runs)
        if args.base is not None:
            theirs = {**(theirs or {}), **_child(args.base.resolve(), "--large", *large)}
        mine.update(_child(here, "--large", *large))
    for r in mine["big_deal"].values():
        r["target_ms"] = 100.0
        r["cpu_passed"] = r["cpu_median_ms"] <= 100.0
    mine["long_calls"]["new_call_45_minutes"]["target_ms"] = 150.0
    mine["long_calls"]["new_call_45_minutes_distinct"]["target_ms"] = 150.0
    if theirs is not None:
        for part in ("big_deal", "long_calls"):
            for name, r in mine[part].items():
                before = theirs[part][name]["cpu_median_ms"]
                r["before_cpu_ms"] = before
                r["cpu_ratio"] = round(r["cpu_median_ms"] / before, 3) if before else None
    for part in ("big_deal", "long_calls"):
        for name, r in mine[part].items():
            against = f" (before {r['before_cpu_ms']} ms)" if "before_cpu_ms" in r else ""
            print(f"{part} {name}: CPU {r['cpu_median_ms']} ms{against}", file=sys.stderr)
    return {**mine, "big_deal": {"activities": 5000, "contacts": 200, **mine["big_deal"]}}


PARTS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {"warm": run}


if __name__ == "__main__" and sys.argv[1:2] == ["--measure"]:
    print(json.dumps(measure(int(sys.argv[2]), int(sys.argv[3]))))
if __name__ == "__main__" and sys.argv[1:2] == ["--large"]:
    print(json.dumps(measure_large(sys.argv[2], *(int(a) for a in sys.argv[3:6]))))
