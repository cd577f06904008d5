"""`python -m evals.bench_cost --part batch`: `coach batch next-action` throughput.

    python -m evals.bench_cost --part batch [--batch-deals 600] [--batch-workspace 5000]
        [--batch-runs 1] [--base ../main-checkout]

Builds a synthetic workspace (evals/synthetic_workspace.py, 5,000 deals by default) and runs
`coach batch next-action` over its first `--batch-deals` deals (all of them with 0), with one
job and with two, as whole processes from process start to the last line written. Each tree
gets its own state folder whose catalogue is built beforehand (`coach deals`), so the figures
are the batch's own. With `--base` the same runs alternate with another checkout's, so ratios
come from one run. Reported: wall seconds and deals per second, and the CPU seconds of the
process and its workers (the steady figure on a shared machine) per deal. Target (issue 18): at
least 300 deals per second on 2 cores over the 5,000-deal workspace.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_DEALS_PER_S = 300


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("batch part")
    group.add_argument("--batch-workspace", type=int, default=5000, help="deals in the workspace")
    group.add_argument("--batch-runs", type=int, default=1, help="runs of each batch (medians)")


def _env(tree: Path, home: Path) -> dict[str, str]:
    from agent.settings import DEFAULT_INDEX

    env = {**os.environ, "PYTHONPATH": str(tree), "COACH_HOME": str(home)}
    env.pop("COACH_WORKSPACE", None)
    env["COACH_INDEX_DIR"] = os.environ.get("COACH_INDEX_DIR") or str(DEFAULT_INDEX)
    return env


def _timed(tree: Path, home: Path, args: list[str]) -> tuple[float, float]:
    """Wall seconds and the CPU seconds of the process and every worker it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "agent.interfaces.cli.app", *args],
        cwd=tree,
        env=_env(tree, home),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed in {tree}: {done.stderr[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run(args: argparse.Namespace) -> dict[str, Any]:
    from evals.synthetic_workspace import build
    from tools.sources import WorkspaceSource

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    ws = build(work / "ws", args.batch_workspace)
    ids = WorkspaceSource(ws).deal_ids()
    chosen = ids[: args.batch_deals] if args.batch_deals else ids
    trees = {"new": ROOT, **({"base": args.base.resolve()} if args.base else {})}
    homes = {name: work / f"home-{name}" for name in trees}
    for name, tree in trees.items():  # the catalogue's cold build is not the batch's cost
        _timed(tree, homes[name], ["deals", "--workspace", str(ws)])
    command = ["batch", "next-action", "--workspace", str(ws), "--out", os.devnull]
    command += ["--deals", ",".join(chosen)]
    seen: dict[str, dict[int, list[tuple[float, float]]]] = {n: {1: [], 2: []} for n in trees}
    for _ in range(args.batch_runs):
        for jobs in (1, 2):
            for name, tree in trees.items():
                seen[name][jobs].append(_timed(tree, homes[name], [*command, "--jobs", str(jobs)]))
    shutil.rmtree(work, ignore_errors=True)
    n = len(chosen)
    results: dict[str, Any] = {
        "workspace_deals": len(ids),
        "deals": n,
        "runs": args.batch_runs,
        "target_deals_per_s": TARGET_DEALS_PER_S,
    }
    for name in trees:
        for jobs, samples in seen[name].items():
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            results.setdefault(name, {})[f"jobs_{jobs}"] = {
                "seconds": round(wall, 2),
                "deals_per_s": round(n / wall, 1),
                "cpu_s": round(cpu, 2),
                "cpu_ms_per_deal": round(cpu / n * 1000, 1),
            }
    if "base" in trees:
        results["ratio_new_to_base"] = {
            f"jobs_{jobs}.{key}": round(
                results["new"][f"jobs_{jobs}"][key] / results["base"][f"jobs_{jobs}"][key], 2
            )
            for jobs in (1, 2)
            for key in ("seconds", "cpu_ms_per_deal")
        }
    return results


PARTS = {"batch": run}
