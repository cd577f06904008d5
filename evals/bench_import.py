"""`python -m evals.bench_import --out FILE.json`: import the public Maven CRM data (8,800
opportunities and their accounts, products and sales teams) into a fresh workspace, import it
again (nothing may change), then run `coach batch next_best_action` over every imported deal.

Reports rows per second for the first import (every deal file created, each written
atomically with an fsync) and for the re-import (every file read and compared, none written),
the counts (created, updated, unchanged, skipped), and the batch's deals per second as a whole
process (start-up included). Skips cleanly, writing {"skipped": reason}, when ../shared/data
is absent (a user's fresh clone has none).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.resources import SOURCE_ROOT

MAVEN = SOURCE_ROOT.parent / "shared" / "data" / "maven_crm" / "csv"


def _import(data: Path, root: Path) -> dict[str, Any]:
    from tools.crm_import.importer import run_import
    from tools.crm_import.mapping import load_mapping

    report = run_import([data], root, load_mapping(preset="maven"))
    return {
        "seconds": report.seconds,
        "rows": sum(report.rows.values()),
        "rows_per_second": report.rows_per_second,
        "created": report.deals_created,
        "updated": report.deals_updated,
        "unchanged": report.deals_unchanged,
        "skipped": report.skipped_count,
    }


def _batch(root: Path, jobs: int, limit: int | None) -> dict[str, Any]:
    out = root.parent / "nba.jsonl"
    command = [sys.executable, "-m", "agent.interfaces.cli.app", "batch", "next_best_action"]
    command += ["--workspace", str(root), "-j", str(jobs), "-o", str(out)]
    if limit is not None:
        ids = sorted(p.name for p in (root / "deals").iterdir())[:limit]
        command += ["--deals", ",".join(ids)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))  # noqa: S603
    seconds = time.perf_counter() - started
    answered = len(out.read_text().splitlines()) if out.is_file() else 0
    return {
        "jobs": jobs,
        "exit_code": done.returncode,
        "answered": answered,
        "seconds": round(seconds, 2),
        "deals_per_second": round(answered / seconds, 1) if seconds else 0.0,
        "stderr_tail": done.stderr.strip().splitlines()[-1:] if done.stderr else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=MAVEN)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="batch only the first N deals")
    args = parser.parse_args()
    if not (args.data / "sales_pipeline.csv").is_file():
        result: dict[str, Any] = {"skipped": f"{args.data} absent (../shared/data not here)"}
    else:
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            root = Path(tmp) / "maven"
            result = {"data": str(args.data), "first_import": _import(args.data, root)}
            result["re_import"] = _import(args.data, root)
            result["batch_next_best_action"] = _batch(root, args.jobs, args.limit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
