"""Shared stores (issue 16): a chat turn on SQLite vs PostgreSQL, and turns sent by several
processes to one thread against turns stored.

    python -m evals.bench_shared_stores [--runs 20] [--processes 2] [--turns 5] [--out F.json]

Starts its own throw-away PostgreSQL (evals/pg_cluster.py). The turn times are medians of
`--runs` offline turns, the two backends alternating in one process, so the machine's load
falls on both alike. The concurrency part starts `--processes` workers that each send
`--turns` turns to one thread at the same moment and counts what the thread holds after.
The workers (`--worker chat|setup|lessons ...`) are also what tests/pg runs in subprocesses.
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
from dataclasses import replace
from pathlib import Path
from typing import Any

DEAL = "D-1003"
REP = "rep-priya"
MESSAGE = "what can you do? ({tag})"


def _session(thread: str | None = None, coach: Any = None) -> Any:
    from agent.chat.context import ChatContext
    from agent.chat.session import ChatSession
    from agent.settings import CoachContext
    from agent.stores import chat_place, saver_at

    ctx = coach or CoachContext.from_env()
    return ChatSession(
        ChatContext(coach=ctx), saver_at(chat_place(ctx)), deal_id=DEAL, rep_id=REP, thread=thread
    )


def asked(chat: Any) -> list[str]:
    """The messages a thread holds word for word, in order."""
    from langchain_core.messages import HumanMessage

    return [m.text for m in chat.values.get("messages", []) if isinstance(m, HumanMessage)]


def _wait_for(go: Path) -> None:
    deadline = time.monotonic() + 120
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.01)


def worker(kind: str, args: list[str]) -> int:
    """chat NAME TURNS [GO [--cli-thread]]: TURNS turns tagged NAME-i on the bench thread (or
    the CLI's), after GO exists.
    setup [GO]: open the memory store and the chat threads (creating the tables).
    lessons PUT|GET TENANT: write one lesson as that tenant, or print the keys it sees."""
    from agent.contracts.principal import Principal
    from agent.settings import CoachContext
    from agent.stores import chat_place, memory_place, saver_at, store_at

    ctx = CoachContext.from_env()
    if kind == "chat":
        name, turns = args[0], int(args[1])
        if "--cli-thread" in args:  # the thread `coach chat -d DEAL -r REP` opens
            ctx = replace(ctx, principal=Principal.parse(REP))
        chat = _session(None if "--cli-thread" in args else "bench", ctx)
        if len(args) > 2:
            _wait_for(Path(args[2]))
        for i in range(turns):
            list(chat.ask(MESSAGE.format(tag=f"{name}-{i}")))
            print(f"{name}-{i}", flush=True)  # acknowledged: the turn is stored
        return 0
    if kind == "setup":
        if args:
            _wait_for(Path(args[0]))
        place = memory_place(ctx)
        assert place is not None
        store_at(place)
        saver_at(chat_place(ctx))
        print("ready", flush=True)
        return 0
    if kind == "lessons":
        from agent.memory import lessons_namespace

        action, tenant = args[0], args[1]
        place = memory_place(replace(ctx, tenant=tenant))
        assert place is not None
        store = store_at(place)
        if action == "put":
            store.put(lessons_namespace("Proposal", "local"), f"lesson-{tenant}", {"t": tenant})
        else:
            items = store.search(lessons_namespace("Proposal", "local"), limit=100)
            print(json.dumps(sorted(i.key for i in items)))
        return 0
    raise SystemExit(f"unknown worker {kind}")


def spawn(kind: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    root = str(Path(__file__).resolve().parent.parent)
    environ = {**os.environ, **(env or {})}
    environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, environ.get("PYTHONPATH")) if p)
    argv = [sys.executable, "-m", "evals.bench_shared_stores", "--worker", kind, *args]
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ
    )


def concurrent_turns(processes: int, turns: int, folder: Path) -> dict[str, int]:
    """Several processes, one thread, at once: every acknowledged turn must be in the thread."""
    go = folder / f"go-{time.monotonic_ns()}"
    procs = [spawn("chat", f"p{n}", str(turns), str(go)) for n in range(processes)]
    time.sleep(0.5)
    go.touch()
    acknowledged: list[str] = []
    failed = 0
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        acknowledged += out.split()
        if proc.returncode != 0:
            failed += 1
            sys.stderr.write(err[-2000:])
    chat = _session("bench")
    stored = asked(chat)
    lost = [t for t in acknowledged if not any(f"({t})" in m for m in stored)]
    return {
        "processes": processes,
        "turns_sent": processes * turns,
        "turns_acknowledged": len(acknowledged),
        "turns_stored": chat.turns(),
        "lost": len(lost),
        "failed_processes": failed,
    }


def turn_times(runs: int, url: str, folder: Path) -> dict[str, float]:
    """Median ms of one offline turn per backend, alternating, each on its own fresh thread
    (so the thread's size is the same for both)."""
    from agent.settings import CoachContext

    base = replace(CoachContext.from_env(), memory=folder / "memory.sqlite")
    backends = {"sqlite": base, "postgres": replace(base, database_url=url)}
    times: dict[str, list[float]] = {name: [] for name in backends}
    sessions = {name: _session("timing", ctx) for name, ctx in backends.items()}
    for chat in sessions.values():  # warm: the first turn loads the intent model
        list(chat.ask(MESSAGE.format(tag="warm")))
    for i in range(runs):
        for name, chat in sessions.items():
            start = time.perf_counter()
            list(chat.ask(MESSAGE.format(tag=f"{name}-{i}")))
            times[name].append((time.perf_counter() - start) * 1000)
    return {f"{name}_ms": round(statistics.median(v), 1) for name, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--worker", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker[0], args.worker[1:])
    if args.processes * args.turns > 20:
        parser.error("--processes x --turns over 20: the chat window would fold turns away")
    from evals import pg_cluster

    cluster = pg_cluster.start()
    try:
        with tempfile.TemporaryDirectory(prefix="coach-bench-stores-") as tmp:
            folder = Path(tmp)
            os.environ["COACH_MEMORY"] = str(folder / "memory.sqlite")
            os.environ["COACH_OUTBOX"] = ""
            result: dict[str, Any] = {"turn": turn_times(args.runs, cluster.url(), folder)}
            result["turn"]["runs"] = args.runs
            os.environ["COACH_DATABASE_URL"] = cluster.create_database("concurrency")
            result["concurrency"] = concurrent_turns(args.processes, args.turns, folder)
    finally:
        cluster.stop()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0 if result["concurrency"]["lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
