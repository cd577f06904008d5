"""Warm per-request cost (issue 18, "checks that cost little"): each capability's warm
in-process p50, where the time goes per graph node, and post-call analysis of a 45-minute
call. A benchmark, not a timed test: machines are noisy, so `--base DIR` measures another
checkout (a worktree of main) in the same run and reports the ratios.

    python -m evals.bench_cost --part warm --out FILE.json [--warm-runs 40] [--warm-rounds 2]
        [--warm-big-runs 3] [--warm-turns 19000] [--base /tmp/base] [--warm-small-only]

Steady by construction: each capability runs in a fresh process per tree and round (what one
capability leaves in memory does not slow the next); the two trees' processes warm up, collect,
then take turns five requests at a time (`--serve`: one waits while the other runs, the first
turn alternating), so a busy second on the machine falls on both; the ratio is the median over
rounds of the two trees' CPU p50 in the same round. Thread CPU time is the measure (on a
machine shared with other work the wall time counts the waits for a core); the cyclic
collector is watched (gc.callbacks): its time, and the requests a full collection fell in, are
reported apart, with the CPU p50 of the requests without one.

It also measures, once per tree, every deal capability warm on a deal of 5,000 activities and
200 contacts (evals/synthetic_workspace.py big_deal; target 100 ms each), and debriefs of calls
never seen before (a new call each run, so nothing kept from an earlier debrief applies): 45
minutes, and a long call of `--warm-turns` turns (19,000: seconds, and minutes on main);
`--warm-small-only` leaves those out.

Targets: next best action p50 at most 5 ms (`next_best_action_p50` in the results), every
other capability at most 15 ms, the 45-minute debrief at most 150 ms (warm, in-process, memory
and outbox off so the store's disk writes are not measured).
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
LONG_CALL = "post_call_45_minutes"
TARGETS_MS = {"next_best_action": 5.0, LONG_CALL: 150.0}
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
    from agent.contracts.request import CoachingRequest, Meeting
    from evals.bench_live import meeting

    call = meeting(45.0 * utterances / 600, utterances)
    segments = [
        {"speaker": u.speaker, "start": u.start_s, "end": u.end_s, "text": u.text}
        for u in call.utterances
    ]
    if take is not None:
        segments[0]["text"] = f"{segments[0]['text']} (take {take})"
    return CoachingRequest(
        capability="post_call_analysis",
        deal_id=DEAL,
        transcript=json.dumps(segments),
        transcript_source=f"bench-{utterances}-turns.json",
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


def _child(tree: Path, flag: str, *args: object) -> dict[str, Any]:
    """measure_large() ("--large ...") or names() ("--names") in a fresh process over the
    code of `tree` (this file, that checkout)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, __file__, flag, *(str(a) for a in args)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
    )
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


BLOCK = 5  # requests a window runs before the other tree's window takes its turn


class _Served:
    """A window served by a fresh process over the code of `tree` (this file, that checkout)."""

    def __init__(self, tree: Path, name: str) -> None:
        import tempfile

        self.errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by close())
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
            env={**os.environ, "PYTHONPATH": str(tree)},
            cwd=tree,
        )

    def ask(self, line: str | None) -> Any:
        """Its answer to `line` (None: its "ready"), skipping whatever else it printed."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        if line is not None:
            stdin.write(line + "\n")
            stdin.flush()
        for out in stdout:
            if out.startswith(PROTOCOL):
                return json.loads(out[len(PROTOCOL) :])
        self.errors.seek(0)
        raise RuntimeError(f"a benchmark window stopped: {self.errors.read()[-3000:]}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.errors.close()


def _taking_turns(trees: list[Path], name: str, runs: int) -> list[dict[str, Any]]:
    """`runs` requests of `name` in each tree's window, the windows taking turns BLOCK requests
    at a time (the first turn alternating): a busy second on the machine falls on both."""
    served = [_Served(tree, name) for tree in trees]
    try:
        for window in served:
            window.ask(None)  # warm (both at once: nothing is timed yet)
        measured: list[dict[str, Any]] = [
            {"wall_ms": [], "cpu_ms": [], "gc_ms": [], "full_gc": []} for _ in served
        ]
        done = turn = 0
        while done < runs:
            block = min(BLOCK, runs - done)
            order = list(range(len(served)))
            for i in order[::-1] if turn % 2 else order:
                for key, values in served[i].ask(str(block)).items():
                    measured[i][key] += values
            done, turn = done + block, turn + 1
        for window, into in zip(served, measured, strict=True):
            into.update(window.ask("end"))
    finally:
        for window in served:
            window.close()
    return measured


def _pooled(children: list[dict[str, Any]]) -> dict[str, Any]:
    """One tree's requests of one capability over its rounds (each round a fresh process):
    p50 of all of them, wall and thread CPU; the CPU p50 of the requests no full collection
    fell in; the collector's share apart; each node's median over the rounds' medians."""
    cpu = [v for c in children for v in c["cpu_ms"]]
    full = [f for c in children for f in c["full_gc"]]
    nodes = {n for c in children for n in c["nodes_cpu_ms"]}
    return {
        "median_ms": _median([v for c in children for v in c["wall_ms"]]),
        "cpu_median_ms": _median(cpu),
        "cpu_median_without_full_gc_ms": _median(
            [v for v, f in zip(cpu, full, strict=True) if not f]
        ),
        "requests": len(cpu),
        "gc": {
            "requests_with_a_collection": sum(1 for c in children for g in c["gc_ms"] if g > 0),
            "requests_with_a_full_collection": sum(full),
            "collections_by_generation": [
                sum(c["gc_collections"][g] for c in children) for g in range(3)
            ],
            "cpu_ms_median": _median([g for c in children for g in c["gc_ms"]]),
            "cpu_ms_total": round(sum(g for c in children for g in c["gc_ms"]), 2),
        },
        "nodes_cpu_ms": {
            n: _median([c["nodes_cpu_ms"].get(n, 0.0) for c in children]) for n in nodes
        },
    }


def _cpu_p50(child: dict[str, Any]) -> float:
    return float(statistics.median(child["cpu_ms"]))


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
    parser.add_argument(
        "--warm-small-only",
        action="store_true",
        help="only the sample deal's requests (not the big deal nor the calls never seen)",
    )
    if "--base" not in parser._option_string_actions:  # another part may declare it too
        parser.add_argument("--base", type=Path, help="Another checkout to compare with")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Each capability in fresh processes, one per tree and round, the trees alternating
    (the base first in even rounds of even-numbered capabilities, this tree first otherwise),
    so a change in the machine's load between processes falls on both trees alike; the ratio
    is the median over rounds of this tree's CPU p50 over the base's in the same round."""
    here = Path(__file__).resolve().parents[1]
    base = args.base.resolve() if args.base is not None else None
    mine: dict[str, list[dict[str, Any]]] = defaultdict(list)
    theirs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ratios: dict[str, list[float]] = defaultdict(list)
    chosen = _child(here, "--names")["names"]
    for round_ in range(args.warm_rounds):
        for i, name in enumerate(chosen):
            runs = args.warm_long_runs if name == LONG_CALL else args.warm_runs
            trees = [(here, mine), *([(base, theirs)] if base is not None else [])]
            if (round_ + i) % 2 == 0:
                trees.reverse()  # who takes the first turn
            measured = _taking_turns([tree for tree, _ in trees], name, runs)
            for (_, into), got in zip(trees, measured, strict=True):
                into[name].append(got)
            if base is not None:
                ratios[name].append(_cpu_p50(mine[name][-1]) / _cpu_p50(theirs[name][-1]))
    capabilities: dict[str, Any] = {}
    for name in chosen:
        r = _pooled(mine[name])
        target = TARGETS_MS.get(name, OTHER_TARGET_MS)
        r.update(
            target_ms=target,
            passed=r["median_ms"] <= target,
            cpu_passed=r["cpu_median_ms"] <= target,
        )
        if base is not None:
            before = _pooled(theirs[name])
            r["before_ms"] = before["median_ms"]
            r["before_cpu_ms"] = before["cpu_median_ms"]
            r["before_cpu_without_full_gc_ms"] = before["cpu_median_without_full_gc_ms"]
            r["before_gc"] = before["gc"]
            r["before_nodes_cpu_ms"] = before["nodes_cpu_ms"]
            r["ratio"] = round(r["median_ms"] / before["median_ms"], 2)
            r["cpu_ratio"] = round(statistics.median(ratios[name]), 3)
            r["cpu_ratio_by_round"] = [round(v, 3) for v in ratios[name]]
        capabilities[name] = r
    nba = capabilities.get("next_best_action", {})
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "load_average": list(os.getloadavg()),
        "runs": args.warm_runs,
        "rounds": args.warm_rounds,
        # the target as issue 18 states it: next best action's p50, warm, in-process
        "next_best_action_p50": {
            k: nba.get(k)
            for k in ("median_ms", "cpu_median_ms", "before_cpu_ms", "cpu_ratio", "target_ms")
        },
        "capabilities": capabilities,
    }
    if base is not None:
        results["base"] = str(base)
    if not args.warm_small_only:
        results.update(_large(args, here))
    for name, r in capabilities.items():
        against = (
            f" (before {r['before_ms']} / {r['before_cpu_ms']} ms, CPU ratio {r['cpu_ratio']}"
            f" by round {r['cpu_ratio_by_round']})"
            if base is not None
            else ""
        )
        busiest = sorted(r["nodes_cpu_ms"].items(), key=lambda kv: -kv[1])[:3]
        nodes = ", ".join(f"{n} {ms}" for n, ms in busiest)
        full = r["gc"]["requests_with_a_full_collection"]
        print(
            f"{name}: p50 {r['median_ms']} ms, CPU {r['cpu_median_ms']} ms{against}, "
            f"target {r['target_ms']} ms; a full collection in {full} of {r['requests']} "
            f"requests; slowest nodes (CPU): {nodes}",
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


if __name__ == "__main__" and sys.argv[1:2] == ["--names"]:
    print(json.dumps({"names": names()}))
if __name__ == "__main__" and sys.argv[1:2] == ["--serve"]:
    serve(sys.argv[2])
if __name__ == "__main__" and sys.argv[1:2] == ["--large"]:
    print(json.dumps(measure_large(sys.argv[2], *(int(a) for a in sys.argv[3:6]))))
