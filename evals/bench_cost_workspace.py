"""`python -m evals.bench_cost --part workspace`: what one request costs as the workspace grows.

Builds synthetic workspaces of 14, 1,000 and 5,000 deals from the sample
(evals/synthetic_workspace.py: copy 0 is the sample, so D-1003 and rep-priya are the same work
in each) and reports medians:
- one-deal capabilities (process adherence, performance coaching, next best action), warm
  in-process and as a whole `coach` process, on each size, and the ratio 5,000 / 14 (target
  at most 1.2);
- `coach deals` as a process, and the catalogue's cold build;
- every deal capability on one deal of 5,000 activities and 200 contacts, warm (target
  under 100 ms);
- `coach batch next-action` deals per second over the 5,000-deal workspace, 1 and 2 jobs
  (target at least 300).
With `--base DIR` (a checkout of main) the same in-process and process figures are taken from
that tree in the same run, and each is given as a ratio new / base.
Each measurement runs in a fresh interpreter whose PYTHONPATH is the tree measured, with its
own COACH_HOME, so the catalogue's cold build is measured once and never reused from elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.resources import SOURCE_ROOT

DEAL, REP = "D-1003", "rep-priya"
COMMANDS = {
    "process_adherence": ["adherence", DEAL],
    "performance_coaching": ["performance", "--rep", REP],
    "next_best_action": ["next-action", DEAL],
}

# Run in the measured tree: only APIs main already had (coach, CoachingRequest, CoachContext).
_WARM = """
import json, statistics, sys, time
from pathlib import Path
from agent.contracts import CoachingRequest
from agent.service import coach
from agent.settings import CoachContext
ws, runs, names = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")
deal, rep = sys.argv[4], sys.argv[5]
ctx = CoachContext(workspace=ws, outbox=None, memory=None)
found = {}
for name in names:
    body = {"capability": name}
    body.update({"rep_id": rep} if name == "performance_coaching" else {"deal_id": deal})
    request = CoachingRequest.model_validate(body)
    start = time.perf_counter(); coach(request, ctx); first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter(); coach(request, ctx); times.append(time.perf_counter() - start)
    found[name] = {"first_ms": round(first * 1000, 1),
                   "median_ms": round(statistics.median(times) * 1000, 2)}
print(json.dumps(found))
"""

_BIG = """
import json, statistics, sys, time, logging
logging.disable(logging.WARNING)
from pathlib import Path
from agent.capabilities.registry import in_scope, sample_request
from agent.service import coach
from agent.settings import CoachContext
ws, runs, deal, rep = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
skip = set(sys.argv[5].split(","))
ctx = CoachContext(workspace=ws, outbox=None, memory=None)
found = {}
for spec in [s for s in in_scope("deal") if s.name not in skip]:
    request = sample_request(spec, deal, rep, ctx)
    start = time.perf_counter(); coach(request, ctx); first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter(); coach(request, ctx); times.append(time.perf_counter() - start)
    found[spec.name] = {"first_ms": round(first * 1000, 1),
                        "median_ms": round(statistics.median(times) * 1000, 1)}
print(json.dumps(found))
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("workspace part")
    group.add_argument("--workdir", type=Path, help="where the synthetic workspaces go")
    group.add_argument("--runs", type=int, default=9, help="warm runs per capability")
    group.add_argument("--process-runs", type=int, default=3)
    group.add_argument("--batch-deals", type=int, default=600, help="deals timed in batch")
    group.add_argument("--big-runs", type=int, default=3, help="warm runs on the large deal")
    group.add_argument(
        "--big-skip", default="", help="capabilities left out on the large deal (comma-separated)"
    )
    group.add_argument("--sizes", default="14,1000,5000", help="deal counts, smallest first")
    group.add_argument("--base", type=Path, help="a checkout of main, measured in the same run")


def _env(tree: Path, home: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "COACH_HOME": str(home)}
    env.pop("COACH_WORKSPACE", None)
    env["COACH_INDEX_DIR"] = os.environ.get("COACH_INDEX_DIR") or str(_index_dir())
    return env


def _index_dir() -> Path:
    from agent.settings import DEFAULT_INDEX

    return DEFAULT_INDEX


def _python(tree: Path, home: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args],
        cwd=tree,
        env=_env(tree, home),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{args[:4]} failed in {tree}: {done.stderr[-800:]}")
    return time.perf_counter() - start, done.stdout


def _coach(tree: Path, home: Path, ws: Path, args: list[str], runs: int) -> float:
    cli = ["-m", "agent.interfaces.cli.app"]
    times = [_python(tree, home, *cli, *args, "--workspace", str(ws))[0] for _ in range(runs)]
    return round(statistics.median(times), 3)


def _warm(tree: Path, home: Path, ws: Path, runs: int) -> dict[str, Any]:
    _, out = _python(tree, home, "-c", _WARM, str(ws), str(runs), ",".join(COMMANDS), DEAL, REP)
    return dict(json.loads(out.strip().splitlines()[-1]))


def _one_tree(tree: Path, work: Path, spaces: dict[int, Path], args: argparse.Namespace) -> Any:
    home = Path(tempfile.mkdtemp(prefix="home-", dir=work))
    result: dict[str, Any] = {"tree": str(tree)}
    cli = ["-m", "agent.interfaces.cli.app", "deals"]
    sizes = sorted(spaces)
    for size in sizes:
        ws = spaces[size]
        cold, _ = _python(tree, home, *cli, "--workspace", str(ws))  # builds the catalogue
        result[f"deals_{size}"] = {
            "first_s": round(cold, 3),
            "median_s": _coach(tree, home, ws, ["deals"], args.process_runs),
        }
    for size in (sizes[0], sizes[-1]):
        ws = spaces[size]
        result[f"warm_{size}"] = _warm(tree, home, ws, args.runs)
        result[f"process_{size}"] = {
            name: _coach(tree, home, ws, command, args.process_runs)
            for name, command in COMMANDS.items()
        }
    small, large = sizes[0], sizes[-1]
    result[f"ratio_{large}_to_{small}"] = {
        **{
            f"{n}_warm": round(
                result[f"warm_{large}"][n]["median_ms"] / result[f"warm_{small}"][n]["median_ms"],
                2,
            )
            for n in COMMANDS
        },
        **{
            f"{n}_process": round(result[f"process_{large}"][n] / result[f"process_{small}"][n], 2)
            for n in COMMANDS
        },
    }
    return result


def _batch(work: Path, ws: Path, deals: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="home-batch-", dir=work))
    from tools.sources import WorkspaceSource

    ids = ",".join(WorkspaceSource(ws).deal_ids()[:deals])
    found: dict[str, Any] = {"deals": deals, "workspace_deals": len(ids.split(","))}
    for jobs in (1, 2):
        seconds, _ = _python(
            SOURCE_ROOT,
            home,
            *("-m", "agent.interfaces.cli.app", "batch", "next-action", "--workspace", str(ws)),
            *("--deals", ids, "--jobs", str(jobs), "--out", os.devnull),
        )
        found[f"jobs_{jobs}"] = {
            "seconds": round(seconds, 2),
            "deals_per_s": round(deals / seconds, 1),
        }
    return found


def run(args: argparse.Namespace) -> dict[str, Any]:
    from evals.synthetic_workspace import big_deal, build

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-workspace-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    sizes = sorted(int(n) for n in args.sizes.split(","))
    spaces = {size: build(work / f"ws-{size}", size) for size in sizes}
    big = big_deal(work / "big-deal", activities=5000, contacts=200)
    results: dict[str, Any] = {
        "sizes": sizes,
        "built_s": round(time.perf_counter() - started, 1),
    }
    partial = work / "partial.json"  # what is measured so far, should a long run be stopped
    results["new"] = _one_tree(SOURCE_ROOT, work, spaces, args)
    partial.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.base is not None:
        results["base"] = _one_tree(args.base.resolve(), work, spaces, args)
        results["new_to_base"] = _compare(results["new"], results["base"])
        partial.write_text(json.dumps(results, indent=2), encoding="utf-8")
    home = Path(tempfile.mkdtemp(prefix="home-big-", dir=work))
    _, out = _python(
        SOURCE_ROOT, home, "-c", _BIG, str(big), str(args.big_runs), DEAL, REP, args.big_skip
    )
    results["big_deal_warm"] = {
        "activities": 5000,
        "contacts": 200,
        "target_ms": 100,
        "skipped": args.big_skip,
        **json.loads(out.strip().splitlines()[-1]),
    }
    results["batch_next_action"] = {
        "target_deals_per_s": 300,
        **_batch(work, spaces[5000], args.batch_deals),
    }
    return results


def _compare(new: dict[str, Any], base: dict[str, Any]) -> dict[str, float]:
    ratios: dict[str, float] = {}
    for key, value in new.items():
        if key.startswith("process_"):
            for name, seconds in value.items():
                ratios[f"{key}.{name}"] = round(seconds / base[key][name], 3)
        elif key.startswith("warm_"):
            for name, figures in value.items():
                ratios[f"{key}.{name}"] = round(
                    figures["median_ms"] / base[key][name]["median_ms"], 3
                )
        elif key.startswith("deals_"):
            ratios[f"{key}"] = round(value["median_s"] / base[key]["median_s"], 3)
    return ratios


PARTS = {"workspace": run}
