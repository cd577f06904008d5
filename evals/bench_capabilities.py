"""Latency benchmark per capability (a script, not a timed test: machines are noisy).

    python -m evals.bench_capabilities [--runs 50] [--process-runs 7] [--out FILE]

Targets: next best action warm in-process median under 20 ms and the whole `coach next-action`
process under 1.5 s (issue 2); deal intelligence warm median under 30 ms each (issue 4);
meeting preparation warm median under 50 ms each (issue 5). Results are written as JSON with
the machine's core count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from agent.capabilities.registry import Capability, in_scope, sample_request

TARGET_WARM_MS = 20.0
# Warm median targets per capability are declared with it (median_target_ms in its
# capability.py): issue 4 asked 30 ms for deal intelligence, issue 5 50 ms for meeting prep.
TARGET_PROCESS_S = 1.5
DEAL = "D-1003"
REP = "rep-priya"  # the owner of DEAL, for rep-level capabilities


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_warm(runs: int) -> dict[str, object]:
    from agent.contracts import CoachingRequest
    from agent.service import coach
    from agent.settings import SAMPLE_WORKSPACE
    from tools.sources import WorkspaceSource

    deals = WorkspaceSource(SAMPLE_WORKSPACE).deal_ids()
    for deal in deals:  # warm every cache once
        coach(CoachingRequest(deal_id=deal))
    one: list[float] = []
    request = CoachingRequest(deal_id=DEAL)
    for _ in range(runs):
        start = time.perf_counter()
        coach(request)
        one.append((time.perf_counter() - start) * 1000)
    every: list[float] = []
    for _ in range(max(1, runs // len(deals))):
        for deal in deals:
            start = time.perf_counter()
            coach(CoachingRequest(deal_id=deal))
            every.append((time.perf_counter() - start) * 1000)
    from agent.model.tokens import count_tokens

    markdown = coach(request).markdown
    return {
        "deal": DEAL,
        "runs": runs,
        "median_ms": round(statistics.median(one), 2),
        "p95_ms": round(_quantile(one, 0.95), 2),
        "all_deals_median_ms": round(statistics.median(every), 2),
        "all_deals_p95_ms": round(_quantile(every, 0.95), 2),
        "markdown_tokens_o200k": count_tokens(markdown),
        "target_median_ms": TARGET_WARM_MS,
    }


def bench_capability(spec: Capability, runs: int) -> dict[str, object]:
    from agent.service import coach
    from agent.settings import CoachContext

    context = CoachContext(outbox=None)  # measure the coaching, not the event file
    request = sample_request(spec, DEAL, REP, context)
    coach(request, context)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        coach(request, context)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "deal": REP if spec.scope == "rep" else DEAL,
        "runs": runs,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(_quantile(times, 0.95), 2),
        "target_median_ms": spec.median_target_ms,
    }


def bench_process(runs: int) -> dict[str, object]:
    exe = shutil.which("coach", path=str(Path(sys.executable).parent)) or "coach"
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([exe, "next-action", DEAL], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return {
        "command": f"coach next-action {DEAL}",
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "target_median_s": TARGET_PROCESS_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--process-runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench-results/capabilities.json"))
    args = parser.parse_args()
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "warm_in_process": bench_warm(args.runs),
        "whole_process": bench_process(args.process_runs),
        "capabilities": {c.name: bench_capability(c, args.runs) for c in in_scope("deal", "rep")},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    warm, proc = results["warm_in_process"], results["whole_process"]
    print(
        f"warm in-process {warm['deal']}: median {warm['median_ms']} ms "
        f"(p95 {warm['p95_ms']} ms; all deals median {warm['all_deals_median_ms']} ms), "
        f"target < {TARGET_WARM_MS} ms"
    )
    print(
        f"whole process: median {proc['median_s']} s over {proc['runs']} runs, "
        f"target < {TARGET_PROCESS_S} s"
    )
    for name, r in results["capabilities"].items():
        print(
            f"{name} warm in-process: median {r['median_ms']} ms (p95 {r['p95_ms']} ms), "
            f"target < {r['target_median_ms']} ms"
        )
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
