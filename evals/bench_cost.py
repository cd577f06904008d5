"""Cost benchmarks (issue 18): one command, one part at a time, one results file.

    python -m evals.bench_cost --part warm|start|chat|ingest|workspace|batch [--out FILE.json]

Each part lives in its own module (warm per-request cost in evals/bench_cost_warm.py, which runs
evals/bench_cost_warm_child.py in a fresh process per tree; the process
costs in evals/bench_cost_process.py, the workspace's growth in
evals/bench_cost_workspace.py, batch throughput in evals/bench_cost_batch.py); this
entry point only chooses one and writes what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from evals import bench_cost_batch, bench_cost_process, bench_cost_warm, bench_cost_workspace

MODULES = (bench_cost_process, bench_cost_warm, bench_cost_workspace, bench_cost_batch)
PARTS = {name: run for module in MODULES for name, run in module.PARTS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--part",
        choices=[*sorted(PARTS), "all"],
        required=True,
        help="one part, or all of them into one results file",
    )
    parser.add_argument("--out", type=Path, help="default: bench-results/cost-PART.json")
    for module in MODULES:
        module.add_arguments(parser)
    args = parser.parse_args()
    chosen = sorted(PARTS) if args.part == "all" else [args.part]
    measured = {name: PARTS[name](args) for name in chosen}
    found = measured if args.part == "all" else measured[args.part]
    results = {"part": args.part, "cores": os.cpu_count(), **found}
    out = args.out or Path("bench-results") / f"cost-{args.part}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
