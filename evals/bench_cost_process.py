"""Process costs (issue 18), measured as a user meets them: a command's start to answer, a chat
turn deep in a thread and the chat's storage, a cold knowledge ingest's time and peak memory.

    python -m evals.bench_cost --part start  [--runs 5] [--base ../main-checkout]
    python -m evals.bench_cost --part chat   [--turns 100]
    python -m evals.bench_cost --part ingest [--runs 1] [--base ../main-checkout]

A benchmark, not a timed test (a shared machine is noisy). With `--base` the same commands run
from another checkout, interleaved run by run, so the ratio new/base is read from one run.
Wall time is reported with the CPU time (user + system) of the process: on a loaded machine the
CPU time is the steadier figure.
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
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
START_COMMANDS = {"help": ["--help"], "deals": ["deals"], "next_action": ["next-action", "D-1003"]}
TARGETS = {
    "help_s": 0.3,
    "next_action_s": 1.0,
    "chat_turn_ratio": 1.2,
    "ingest_s": 25.0,
    "ingest_peak_mb": 400.0,
}


def _run(
    argv: list[str], checkout: Path, env: dict[str, str] | None = None, only: bool = False
) -> dict[str, float]:
    """One fresh process: wall seconds, CPU seconds and peak RSS in MB (its own, by wait4).
    `env` is added to this process's environment, or with `only` replaces it."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *argv],
        cwd=checkout,
        env={**({} if only else os.environ), **(env or {}), "PYTHONPATH": str(checkout)},
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, argv)
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": usage.ru_maxrss / 1024}


def _compare(
    runs: int, base: Path | None, measure: Callable[[Path], dict[str, float]]
) -> dict[str, Any]:
    """Medians for this checkout (and the base), the runs interleaved; ratios new/base."""
    checkouts = {"new": ROOT, **({"base": base.resolve()} if base else {})}
    seen: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    for _ in range(runs):
        for name, checkout in checkouts.items():
            seen[name].append(measure(checkout))
    out: dict[str, Any] = {}
    for name, samples in seen.items():
        out[name] = {k: round(statistics.median(s[k] for s in samples), 3) for k in samples[0]}
    if base:
        out["ratio"] = {
            k: round(out["new"][k] / out["base"][k], 2) for k in out["new"] if out["base"][k]
        }
    return out


def _bytecode_env(checkout: Path, folder: Path) -> dict[str, str]:
    """Compiled bytecode for everything the process imports (as an installed package has it),
    kept per checkout under `folder`, not in the checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(folder / checkout.name)}


def start(args: argparse.Namespace) -> dict[str, Any]:
    """`coach --help`, `coach deals` and `coach next-action D-1003`, process start to answer,
    twice: as the environment runs them (this machine sets PYTHONDONTWRITEBYTECODE, so the
    project's own modules are compiled on every start), and with bytecode for every module (a
    user's install; `_bytecode` in the name), the bytecode written by one run beforehand."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="pyc-") as tmp:
        for name, command in START_COMMANDS.items():
            argv = ["-m", "agent.interfaces.cli.app", *command]
            results[name] = _compare(args.runs, args.base, partial(_run, argv))

            def compiled(checkout: Path, argv: list[str] = argv) -> dict[str, float]:
                return _run(argv, checkout, env=_bytecode_env(checkout, Path(tmp)), only=True)

            for checkout in (ROOT, *([args.base.resolve()] if args.base else [])):
                compiled(checkout)  # writes the bytecode
            results[f"{name}_bytecode"] = _compare(args.runs, args.base, compiled)
    results["python_dont_write_bytecode"] = os.environ.get("PYTHONDONTWRITEBYTECODE", "")
    return results


def ingest(args: argparse.Namespace) -> dict[str, Any]:
    """A cold `coach kb ingest` of the shipped knowledge into a new index folder (the ONNX graph
    cache is the user's, as after a first ingest): wall time and peak RSS."""

    def once(checkout: Path) -> dict[str, float]:
        with tempfile.TemporaryDirectory() as tmp:
            argv = ["-m", "agent.interfaces.cli.app", "kb", "ingest", "--quiet", "--index", tmp]
            return _run(argv, checkout)

    return _compare(args.runs, args.base, once)


# Run with PYTHONPATH set to a checkout, so the same turns measure this one and the base.
THREAD = """
import json, sqlite3, statistics, sys, tempfile, time
from pathlib import Path
from agent.chat.context import ChatContext
from agent.chat.session import ChatSession, open_checkpointer
from agent.settings import CoachContext

turns = int(sys.argv[1])
questions = ["what can you do?", "what should I do next?", "who should I engage?"]
with tempfile.TemporaryDirectory() as tmp:
    db = Path(tmp) / "chat.sqlite"
    chat = ChatSession(ChatContext(coach=CoachContext.from_env()), open_checkpointer(db),
                       deal_id="D-1003", rep_id="rep-priya")
    times, stored, checkpoints = [], [], []
    for t in range(turns):
        start = time.perf_counter()
        for _ in chat.ask(questions[t % len(questions)] + f" ({t})"):
            pass
        times.append((time.perf_counter() - start) * 1000)
        con = sqlite3.connect(db)
        size = con.execute("SELECT coalesce(sum(length(checkpoint) + length(metadata)), 0), "
                           "count(*) FROM checkpoints").fetchone()
        writes = con.execute("SELECT coalesce(sum(length(value)), 0) FROM writes").fetchone()
        con.close()
        stored.append(size[0] + writes[0])
        checkpoints.append(size[1])
    print(json.dumps({"times_ms": times, "stored_bytes": stored, "checkpoints": checkpoints,
                      "turns_kept": chat.turns()}))
"""


def _thread(checkout: Path, turns: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", THREAD, str(turns)],
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout)},
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    times, stored, n = seen["times_ms"], seen["stored_bytes"], turns
    edge = max(3, n // 10)  # the first and the last tenth of the thread (turn 1 is a warm-up)
    first = statistics.median(times[1 : edge + 1])
    last = statistics.median(times[-edge:])
    quarters = sorted({max(1, n // 4), max(1, n // 2), max(1, 3 * n // 4), n})
    added = {  # bytes the turns of each quarter added, per turn: flat once past the window
        f"{a + 1}-{b}": round((stored[b - 1] - stored[a - 1]) / (b - a))
        for a, b in zip(quarters, quarters[1:], strict=False)
    }
    return {
        "turns": n,
        "first_turns_ms": round(first, 1),
        "last_turns_ms": round(last, 1),
        "turn_ratio_last_first": round(last / first, 2),
        "stored_mb": round(stored[-1] / 1e6, 2),
        "bytes_added_per_turn": added,
        "checkpoints_per_turn": round(seen["checkpoints"][-1] / n, 2),
        "turns_counted": seen["turns_kept"],
    }


def chat(args: argparse.Namespace) -> dict[str, Any]:
    """Offline turns in one thread: the first turns' median time against the last turns', the
    checkpoints per turn and the bytes each quarter of the thread added per turn."""
    checkouts = {"new": ROOT, **({"base": args.base.resolve()} if args.base else {})}
    return {name: _thread(checkout, args.turns) for name, checkout in checkouts.items()}


PARTS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "start": start,
    "chat": chat,
    "ingest": ingest,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5, help="Processes per command (medians)")
    parser.add_argument("--base", type=Path, help="Another checkout to compare with (ratios)")
    parser.add_argument("--turns", type=int, default=100, help="Chat turns in the thread")
