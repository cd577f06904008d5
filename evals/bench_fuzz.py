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
import time
from collections import Counter
from pathlib import Path


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
    for name, run in runners(args.examples, args.seed).items():
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
