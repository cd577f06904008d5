"""Fault benchmark: `kb ingest` killed with SIGKILL at random points, then the index checked.

    python -m evals.bench_faults_ingest [--runs 20] [--seed 7] [--knowledge DIR] [--out F.json]

Each run edits one knowledge file (so the ingest has work to do), starts an ingest in a fresh
process and kills it (kill -9) after a random share of the duration of a clean ingest of one
changed file (process start included). After every
kill the index must still open and answer a search; after all of them one more ingest must
finish and a search must find the edited text. Counts: runs, kills that landed while the
ingest was still running, corrupt states (must be 0). pytest runs two kills on a small
knowledge folder (tests/knowledge/test_ingest_faults.py).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

_INGEST = "import sys; from pathlib import Path; from knowledge.ingest import ingest; " + (
    "ingest((Path(sys.argv[1]),), Path(sys.argv[2]))"
)


@dataclass
class FaultReport:
    runs: int = 0
    killed_mid_ingest: int = 0
    corrupt: int = 0
    problems: list[str] = field(default_factory=list)
    clean_seconds: float = 0.0


def _start(folder: Path, root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", _INGEST, str(folder), str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _edit(folder: Path, run: int) -> str:
    """Appends a marker sentence to the last section of one file; returns the marker word."""
    files = sorted(p for p in folder.rglob("*.md") if p.name.lower() != "readme.md")
    path = files[run % len(files)]
    marker = f"zyxmarker{run}"
    path.write_text(path.read_text(encoding="utf-8") + f"\nRun {marker} was here.\n", "utf-8")
    return marker


def _searchable(folder: Path, root: Path, query: str) -> str | None:
    """None when the index opens and answers; else what went wrong."""
    from knowledge.retriever import KnowledgeIndex

    try:
        index = KnowledgeIndex(root, (folder,))
        found = index.search(query, k=3, mode="hybrid")
    except Exception as exc:  # noqa: BLE001 - any failure here is a corrupt index
        return f"{type(exc).__name__}: {exc}"
    return None if found else "no passage found"


def kill_runs(folder: Path, root: Path, runs: int, rng: random.Random) -> FaultReport:
    """Runs `runs` killed ingests of `folder` into `root` and checks the index after each."""
    report = FaultReport()
    subprocess.run([sys.executable, "-c", _INGEST, str(folder), str(root)], check=True)
    _edit(folder, runs + 1)  # timed as the killed runs work: one file changed
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", _INGEST, str(folder), str(root)], check=True)
    report.clean_seconds = time.perf_counter() - started
    for run in range(runs):
        _edit(folder, run)
        process = _start(folder, root)
        time.sleep(rng.uniform(0.05, 1.0) * report.clean_seconds)
        if process.poll() is None:
            report.killed_mid_ingest += 1
        process.send_signal(signal.SIGKILL)
        process.wait()
        report.runs += 1
        problem = _searchable(folder, root, "price")
        if problem is not None:
            report.corrupt += 1
            report.problems.append(f"after kill {run}: {problem}")
    from knowledge.ingest import ingest

    marker = _edit(folder, runs)
    try:
        ingest((folder,), root)
    except Exception as exc:  # noqa: BLE001 - an ingest that cannot recover is the finding
        report.corrupt += 1
        report.problems.append(f"final ingest: {type(exc).__name__}: {exc}")
        return report
    problem = _searchable(folder, root, marker)
    if problem is not None:
        report.corrupt += 1
        report.problems.append(f"final search: {problem}")
    return report


def main() -> None:
    from knowledge.corpus import KNOWLEDGE_ROOT

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--knowledge", type=Path, default=KNOWLEDGE_ROOT)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "knowledge"
        shutil.copytree(
            args.knowledge, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__")
        )
        report = kill_runs(folder, Path(tmp) / "index", args.runs, random.Random(args.seed))
    print(
        f"{report.runs} kill -9 runs ({report.killed_mid_ingest} while ingesting; clean ingest "
        f"{report.clean_seconds:.1f} s), {report.corrupt} corrupt"
    )
    for problem in report.problems:
        print(f"  {problem}")
    if args.out is not None:
        args.out.write_text(json.dumps(asdict(report), indent=2) + "\n")
    raise SystemExit(1 if report.corrupt else 0)


if __name__ == "__main__":
    main()
