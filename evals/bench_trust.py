"""The whole trust suite in one command (issue 17): injection, output handling, confidentiality,
bad input, faults. A sample of each runs in pytest; this runs them in full.

    python -m evals.bench_trust --out DIR [--quick]

Each part is its own benchmark script, run here as a separate process (a crash in one does not
hide the others); DIR gets each part's JSON and log, and `summary.md` with every part's own
table and its exit status. `--quick` runs smaller sizes (a few minutes instead of about half
an hour on two cores).

| part | script | the figure that must hold |
|---|---|---|
| injection | bench_injection | attack success 0 offline; false alarms <= 2 % |
| output | bench_output_trust | 0 payloads at any exit |
| access | bench_access | 0 leaks |
| fuzz | bench_fuzz | 0 tracebacks |
| faults | bench_faults | 0 lost, 0 twice, 0 corrupt |
| relay faults | bench_relay | kill -9 during delivery: 0 lost, 0 applied twice |
| ingest faults | bench_faults_ingest | 0 corrupt indexes |
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

# (name, module, full arguments, quick arguments); "{out}" is the part's JSON file.
PARTS: tuple[tuple[str, str, list[str], list[str]], ...] = (
    (
        "injection",
        "evals.bench_injection",
        ["--out", "{out}"],
        ["--sample", "120", "--out", "{out}"],
    ),
    ("output", "evals.bench_output_trust", ["--out", "{out}"], ["--out", "{out}"]),
    ("access", "evals.bench_access", ["--out", "{out}"], ["--principals", "2", "--out", "{out}"]),
    (
        "fuzz",
        "evals.bench_fuzz",
        ["--examples", "200", "--out", "{out}"],
        ["--examples", "30", "--out", "{out}"],
    ),
    (
        "faults",
        "evals.bench_faults",
        ["--runs", "10", "--kills", "40"],
        ["--runs", "2", "--kills", "6"],
    ),
    (
        "relay faults",
        "evals.bench_relay",
        ["--kill-runs", "10", "--out", "{out}"],
        ["--events", "300", "--kill-runs", "2", "--out", "{out}"],
    ),
    (
        "ingest faults",
        "evals.bench_faults_ingest",
        ["--runs", "10", "--out", "{out}"],
        ["--runs", "3", "--out", "{out}"],
    ),
)
TAIL_LINES = 80


def run_part(name: str, module: str, args: list[str], out_dir: Path) -> tuple[int, float, str]:
    """(exit status, seconds, the part's last lines of output)."""
    slug = name.replace(" ", "_")
    argv = [a.replace("{out}", str(out_dir / f"{slug}.json")) for a in args]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", module, *argv], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    log = done.stdout + (f"\n[stderr]\n{done.stderr}" if done.stderr.strip() else "")
    (out_dir / f"{slug}.log").write_text(log, encoding="utf-8")
    tail = "\n".join(done.stdout.rstrip().splitlines()[-TAIL_LINES:])
    return done.returncode, seconds, tail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a folder for the results")
    parser.add_argument("--quick", action="store_true", help="smaller sizes of every part")
    parser.add_argument("--only", default="", help="comma-separated part names")
    ns = parser.parse_args()
    ns.out.mkdir(parents=True, exist_ok=True)
    chosen = {p.strip() for p in ns.only.split(",") if p.strip()}
    lines = [f"# Trust suite ({'quick' if ns.quick else 'full'})", ""]
    failed = []
    for name, module, full, quick in PARTS:
        if chosen and name not in chosen:
            continue
        print(f"{name}: python -m {module} ...", flush=True)
        status, seconds, tail = run_part(name, module, quick if ns.quick else full, ns.out)
        print(f"{name}: exit {status} in {seconds:.0f} s", flush=True)
        if status != 0:
            failed.append(name)
        lines += [f"## {name} (`python -m {module}`): exit {status}, {seconds:.0f} s", ""]
        lines += ["```", tail, "```", ""]
    (ns.out / "summary.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"Summary: {ns.out / 'summary.md'}")
    if failed:
        print(f"Parts that failed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
