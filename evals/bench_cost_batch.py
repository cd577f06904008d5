"""`python -m evals.bench_cost --part batch`: `coach batch next-action` throughput.

    python -m evals.bench_cost --part batch [--batch-deals 600] [--batch-workspace 5000]
        [--batch-runs 1] [--batch-changed 0.05] [--batch-from WORKSPACE] [--base ../main-checkout]

Builds a synthetic workspace (evals/synthetic_workspace.py, 5,000 deals by default) and runs
`coach batch next-action` over its first `--batch-deals` deals (all of them with 0), with one
job and with two, as whole processes from process start to the last line written. Each tree
gets its own state folder whose catalogue is built beforehand (`coach deals`), so the figures
are the batch's own. Each is run twice: cold (the deal cache, tools/deal_cache.py, emptied
first) and warm (the same deals again after `--batch-changed` of them, 5 % by default, had
their deal file edited). With `--base` the same runs alternate with another checkout's, so
ratios come from one run. Reported: wall seconds and deals per second, and the CPU seconds of
the process and its workers (the steady figure on a shared machine) per deal, the largest
resident set of the process and its workers (memory that must not grow with the workspace),
and how many
deal-cache generations a tree's state folder held after each warm run (1: the warm run used
the cold run's). Target (issue
18): at least 300 deals per second on 2 cores over the 5,000-deal workspace. `--batch-from
DIR` times a copy of an existing workspace instead, such as the imported Maven CRM data
(issue 16: 200 deals per second warm; `python -m evals.bench_import` builds it).
"""

from __future__ import annotations

import argparse
import json
import os
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
    group.add_argument(
        "--batch-from",
        type=Path,
        default=None,
        help="an existing workspace instead (a copy is timed), e.g. the imported Maven one",
    )
    group.add_argument(
        "--batch-changed", type=float, default=0.05, help="share of deals edited before warm"
    )


def _env(tree: Path, home: Path) -> dict[str, str]:
    from agent.settings import DEFAULT_INDEX

    env = {**os.environ, "PYTHONPATH": str(tree), "COACH_HOME": str(home)}
    env.pop("COACH_WORKSPACE", None)
    env["COACH_INDEX_DIR"] = os.environ.get("COACH_INDEX_DIR") or str(DEFAULT_INDEX)
    return env


# Runs the command and writes [exit code, CPU seconds, largest resident set in kB] of it and
# every worker it waited for. A small process of its own in between because Linux carries the
# resident peak of the process that forked into the child's figure: run straight from this
# one, every batch would report at least this benchmark's own size.
_LAUNCH = """
import json, resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
used = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump([code, used.ru_utime + used.ru_stime, used.ru_maxrss], out)
"""


def _timed(tree: Path, home: Path, args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, the CPU seconds of the process and every worker it waited for, and the
    largest resident set (MB) among them."""
    with tempfile.TemporaryDirectory() as scratch:
        figures, err = Path(scratch) / "figures.json", Path(scratch) / "stderr"
        start = time.perf_counter()
        with err.open("wb") as sink:
            subprocess.run(
                [sys.executable, "-c", _LAUNCH, str(figures), sys.executable, "-m"]
                + ["agent.interfaces.cli.app", *args],
                cwd=tree,
                env=_env(tree, home),
                stdout=subprocess.DEVNULL,
                stderr=sink,
                check=True,
            )
        wall = time.perf_counter() - start
        code, cpu, rss_kb = json.loads(figures.read_text())
        if code != 0:
            problem = err.read_text("utf-8", "replace")[-800:]
            raise RuntimeError(f"{args[:3]} failed in {tree}: {problem}")
    return wall, cpu, rss_kb / 1024  # kilobytes on Linux


def run(args: argparse.Namespace) -> dict[str, Any]:
    from evals.synthetic_workspace import build
    from tools.sources import WorkspaceSource

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    if args.batch_from is not None:
        ws = work / "ws"
        shutil.copytree(args.batch_from, ws)
    else:
        ws = build(work / "ws", args.batch_workspace)
    ids = WorkspaceSource(ws).deal_ids()
    chosen = ids[: args.batch_deals] if args.batch_deals else ids
    trees = {"new": ROOT, **({"base": args.base.resolve()} if args.base else {})}
    homes = {name: work / f"home-{name}" for name in trees}
    for name, tree in trees.items():  # the catalogue's cold build is not the batch's cost
        _timed(tree, homes[name], ["deals", "--workspace", str(ws)])
    out = work / "answers.jsonl"  # closed deals are skipped: the rates count what was answered
    command = ["batch", "next-action", "--workspace", str(ws), "--out", str(out)]
    command += ["--deals", ",".join(chosen)]
    runs = [(jobs, temp) for jobs in (1, 2) for temp in ("cold", "warm")]
    seen: dict[str, dict[tuple[int, str], list[tuple[float, float, float]]]] = {
        n: {r: [] for r in runs} for n in trees
    }
    edits, answered = 0, set()
    generations: dict[str, set[int]] = {n: set() for n in trees}
    for _ in range(args.batch_runs):
        for jobs in (1, 2):
            for name, tree in trees.items():
                shutil.rmtree(homes[name] / "deal-cache", ignore_errors=True)
                cold = _timed(tree, homes[name], [*command, "--jobs", str(jobs)])
                seen[name][(jobs, "cold")].append(cold)
                answered.add(len(out.read_text().splitlines()))
                edits = _edit(ws, chosen, args.batch_changed, edits)
                warm = _timed(tree, homes[name], [*command, "--jobs", str(jobs)])
                seen[name][(jobs, "warm")].append(warm)
                # a warm run that started a generation of its own was not warm (1 is right)
                generations[name].add(len(list(homes[name].glob("deal-cache/*/*/"))))
                answered.add(len(out.read_text().splitlines()))
    shutil.rmtree(work, ignore_errors=True)
    (n,) = answered  # every run answers the same deals
    results: dict[str, Any] = {
        "workspace_deals": len(ids),
        "deals": len(chosen),
        "answered": n,
        "changed_before_warm": len(chosen[:: max(1, round(1 / args.batch_changed))])
        if args.batch_changed > 0
        else 0,
        "runs": args.batch_runs,
        "target_deals_per_s": TARGET_DEALS_PER_S,
    }
    for name in trees:
        results.setdefault(name, {})["deal_cache_generations"] = sorted(generations[name])
        for (jobs, temp), samples in seen[name].items():
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            results.setdefault(name, {})[f"jobs_{jobs}_{temp}"] = {
                "seconds": round(wall, 2),
                "deals_per_s": round(n / wall, 1),
                "cpu_s": round(cpu, 2),
                "cpu_ms_per_deal": round(cpu / n * 1000, 1),
                "max_rss_mb": round(max(s[2] for s in samples)),
            }
    if "base" in trees:
        results["ratio_new_to_base"] = {
            f"jobs_{jobs}_{temp}.{key}": round(
                results["new"][f"jobs_{jobs}_{temp}"][key]
                / results["base"][f"jobs_{jobs}_{temp}"][key],
                2,
            )
            for jobs, temp in runs
            for key in ("seconds", "cpu_ms_per_deal", "max_rss_mb")
        }
    return results


def _edit(ws: Path, chosen: list[str], share: float, done: int) -> int:
    """Edits `share` of the chosen deals' files (a comment line appended, so the answer stays
    the same but the bytes do not): the deals a warm run finds changed. Returns the count."""
    step = max(1, round(1 / share)) if share > 0 else 0
    for deal_id in chosen[done % step :: step] if step else []:
        # A new file, never an append: the synthetic workspace hard-links the sample's files.
        path = ws / "deals" / deal_id / "deal.yaml"
        edited = path.with_name("deal.yaml.edited")
        edited.write_text(path.read_text(encoding="utf-8") + f"# edited {done}\n", "utf-8")
        os.replace(edited, path)
    return done + 1


PARTS = {"batch": run}
