"""Fuzz benchmark (a script, not a timed test): property-based inputs for every input schema,
transcript reader, CLI option and inline request body (evals/fuzz.py).

    python -m evals.bench_fuzz [--examples 200] [--seed N] [--only cli,request] [--out F.json]

Prints, per target, the cases run and how they ended (a result, one user message, or a
traceback), then every traceback. The target is 0 tracebacks; the exit code is 1 otherwise.
pytest runs a small sample of the same targets (tests/unit/test_fuzz_inputs.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

# The CLI runs in a worker process, as a user runs it: evals never import the interfaces.
# One command line per stdin line (JSON [args, stdin]); one JSON answer per line, marked.
MARK = "@@fuzz@@"
_WORKER = f"""
import json, sys, traceback
from typer.testing import CliRunner
from agent.interfaces.cli.app import app
runner = CliRunner()
for line in sys.stdin:
    args, stdin = json.loads(line)
    result = runner.invoke(app, args, input=stdin)
    failure = result.exception
    shown = "" if failure is None or isinstance(failure, SystemExit) else "".join(
        traceback.format_exception(failure))
    answer = json.dumps([result.exit_code, result.output[-4000:], shown[-4000:]])
    sys.__stdout__.write("{MARK}" + answer + "\\n")
    sys.__stdout__.flush()
"""


class CliWorker:
    """A `coach` process that answers command lines one by one (Invoke in evals/fuzz.py)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def __call__(self, args: list[str], stdin: str | None) -> tuple[int, str, str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([args, stdin]) + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(MARK):
                code, output, failure = json.loads(line[len(MARK) :])
                return int(code), str(output), str(failure)
        return -1, "", "the CLI worker died"

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def main() -> None:
    import logging

    from evals.fuzz import Case, runners

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="examples per target")
    parser.add_argument("--seed", type=int, default=None, help="vary the examples")
    parser.add_argument("--only", default="", help="comma-separated target name prefixes")
    parser.add_argument("--out", type=Path, default=None, help="write the counts as JSON")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the inputs are meant to warn; the counts are the output
    chosen = [p for p in args.only.split(",") if p]
    started = time.perf_counter()
    cases: list[Case] = []
    rows = []
    worker = CliWorker()
    for name, run in runners(args.examples, args.seed, worker).items():
        if chosen and not any(name.startswith(p) for p in chosen):
            continue
        mine: list[Case] = []
        t0 = time.perf_counter()
        run(mine)
        counts = Counter(c.outcome for c in mine)
        rows.append(
            {
                "target": name,
                "cases": len(mine),
                **{k: counts.get(k, 0) for k in ("result", "message", "traceback")},
                "seconds": round(time.perf_counter() - t0, 1),
            }
        )
        print(
            f"{name:32} {len(mine):5} cases  {counts['result']:5} results  "
            f"{counts['message']:5} messages  {counts['traceback']:3} tracebacks",
            flush=True,
        )
        cases += mine
    worker.close()
    tracebacks = [c for c in cases if c.outcome == "traceback"]
    for case in tracebacks:
        print(f"\n--- traceback in {case.target}\n{case.detail}")
    total = {
        "cases": len(cases),
        "tracebacks": len(tracebacks),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(
        f"\ntotal: {total['cases']} cases, {total['tracebacks']} tracebacks, {total['seconds']} s"
    )
    if args.out is not None:
        args.out.write_text(json.dumps({"targets": rows, "total": total}, indent=2) + "\n")
    raise SystemExit(1 if tracebacks else 0)


if __name__ == "__main__":
    main()
