"""Faults and concurrency: several processes writing one deal, one memory file, one chat
thread at once, and `kill -9` in the middle of `--apply`. Prints runs and data lost.

    python -m evals.bench_faults              # the whole suite (a few minutes)
    python -m evals.bench_faults --runs 2     # fewer rounds

Each check runs real OS processes (this module re-run as a worker), because the faults are
between processes: a lock inside one process proves nothing. tests/unit/test_faults.py runs a
small sample of each in CI.

- apply race: N processes each apply a different call's patch to one deal, all computed from
  the same file (so all want the same activity id). Lost = patches missing from the file;
  twice = a call logged more than once.
- memory race: N processes open (create) one fresh memory file at once and write to it.
  Lost = processes that crashed or whose item is missing.
- chat race: N processes each run offline chat turns on one thread. Lost = turns missing.
- kill -9: a process applying a patch is killed at a random moment; the file must parse and
  hold all of the patch or none of it.
- kill -9 chat: a process running chat turns is killed at a random moment; the thread must
  open, keep every finished turn once, and take the next turn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.chat.session import ChatSession

ROOT = Path(__file__).resolve().parent.parent
DEAL = "D-1003"
CONTACT = "c-owen-marchetti"
FIRST_DAY = dt.date(2026, 11, 20)


@dataclass(frozen=True)
class Outcome:
    check: str
    runs: int
    expected: int
    lost: int
    twice: int = 0
    crashed: int = 0
    corrupt: int = 0
    detail: str = ""

    def line(self) -> str:
        return (
            f"{self.check:<12} runs {self.runs:>3}  items {self.expected:>4}  lost {self.lost}  "
            f"twice {self.twice}  crashed {self.crashed}  corrupt {self.corrupt}"
            + (f"  ({self.detail})" if self.detail else "")
        )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "evals.bench_faults", "worker", *args],
        env=_env(),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=None,  # a crash shows its traceback
        text=True,
    )


def _wait_for(start_file: Path) -> None:
    """Workers import first, then wait for the start signal, so they really run at once."""
    print("ready", flush=True)
    while not start_file.exists():
        time.sleep(0.002)


def _ready_then_go(procs: list[subprocess.Popen[str]], start_file: Path) -> None:
    for p in procs:
        assert p.stdout is not None
        p.stdout.readline()  # "ready" (or EOF if it crashed on import)
    start_file.touch()


# --- the deal file ---------------------------------------------------------------------------


def workspace_copy(into: Path) -> Path:
    """A writable copy of the sample deal's folder; returns the deal file."""
    from agent.resources import sample_workspace

    folder = into / "deals" / DEAL
    shutil.copytree(sample_workspace() / "deals" / DEAL, folder, dirs_exist_ok=True)
    return folder / "deal.yaml"


def call_patch(n: int) -> str:
    """Call n's patch as JSON, as every concurrent analysis of the same file would make it."""
    from agent.contracts.deal import Activity
    from agent.contracts.deal_patch import ContactUpdate, DealPatch

    day = FIRST_DAY + dt.timedelta(days=n)
    source = f"{day.isoformat()}-call-{n}.txt"
    patch = DealPatch(
        deal_id=DEAL,
        transcript_source=source,
        add_activity=Activity(
            id="a12",  # the next id in the file they all read
            type="call",
            date=day,
            participants=["rep-priya", CONTACT],
            summary=f"Call {n} with Owen Marchetti. (From transcript {source}.)",
            outcome="neutral",
        ),
        contact_updates=[ContactUpdate(contact_id=CONTACT, last_contact=day)],
        next_step=f"Priya Natarajan: follow-up {n}",
        next_step_date=day + dt.timedelta(days=3),
    )
    return patch.model_dump_json()


def _apply_worker(deal: str, patch_json: str, read_version: str, start: str) -> None:
    from agent.contracts.deal_patch import DealPatch
    from tools.deal_patch import apply_patch

    patch = DealPatch.model_validate_json(Path(patch_json).read_text(encoding="utf-8"))
    _wait_for(Path(start))
    apply_patch(Path(deal), patch, read_version or None)


def _markers(deal: Path) -> list[str]:
    """The transcript markers of the calls in the file (raises if it does not parse)."""
    from ruamel.yaml import YAML

    from agent.contracts.deal import Deal

    parsed = Deal.model_validate(YAML(typ="safe").load(deal.read_text(encoding="utf-8")))
    return [a.summary.rsplit("(From transcript ", 1)[-1] for a in parsed.activities]


def apply_race(workers: int = 4, runs: int = 1) -> Outcome:
    from agent.files import version

    lost = twice = crashed = corrupt = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            deal = workspace_copy(Path(tmp))
            read = version(deal) or ""
            start = Path(tmp) / "go"
            procs = []
            for n in range(workers):
                spec = Path(tmp) / f"patch-{n}.json"
                spec.write_text(call_patch(n), encoding="utf-8")
                procs.append(_worker("apply", str(deal), str(spec), read, str(start)))
            _ready_then_go(procs, start)
            crashed += sum(p.wait(120) != 0 for p in procs)
            try:
                markers = _markers(deal)
            except Exception:  # noqa: BLE001  (a file that does not parse is what we count)
                corrupt += 1
                continue
            for n in range(workers):
                found = sum(f"-call-{n}.txt" in m for m in markers)
                lost += found == 0
                twice += found > 1
    return Outcome("apply race", runs, workers * runs, lost, twice, crashed, corrupt)


def kill_apply(runs: int = 5, seed: int = 7) -> Outcome:
    """Kill -9 a process applying a patch at a random moment: the file parses, with all of
    the patch or none of it."""
    rng = random.Random(seed)
    corrupt = partial = whole_runs = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            deal = workspace_copy(Path(tmp))
            before = deal.read_text(encoding="utf-8")
            spec = Path(tmp) / "patch.json"
            spec.write_text(call_patch(0), encoding="utf-8")
            start = Path(tmp) / "go"
            proc = _worker("apply", str(deal), str(spec), "", str(start))
            _ready_then_go([proc], start)
            time.sleep(rng.uniform(0.0, 0.25))  # an apply takes tens of milliseconds
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
            after = deal.read_text(encoding="utf-8")
            try:
                markers = _markers(deal)
            except Exception:  # noqa: BLE001
                corrupt += 1
                continue
            applied = sum("-call-0.txt" in m for m in markers)
            whole = applied == 1 and "follow-up 0" in after
            whole_runs += whole
            if not (after == before or whole):
                partial += 1
    detail = f"{whole_runs} killed after the write, {runs - whole_runs} before it"
    return Outcome("kill -9", runs, runs, partial, corrupt=corrupt, detail=detail)


# --- the memory file -------------------------------------------------------------------------


def _memory_worker(path: str, n: str, start: str) -> None:
    from agent.memory import open_store

    _wait_for(Path(start))
    store = open_store(Path(path))
    store.put(("bench",), f"item-{n}", {"n": int(n)}, index=False)


def memory_race(workers: int = 6, runs: int = 1) -> Outcome:
    lost = crashed = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "memory.db"
            start = Path(tmp) / "go"
            procs = [_worker("memory", str(path), str(n), str(start)) for n in range(workers)]
            _ready_then_go(procs, start)
            crashed += sum(p.wait(120) != 0 for p in procs)
            from agent.memory import open_store

            open_store.cache_clear()
            found = {i.key for i in open_store(path).search(("bench",), limit=100)}
            lost += sum(f"item-{n}" not in found for n in range(workers))
    return Outcome("memory race", runs, workers * runs, lost, crashed=crashed)


# --- one chat thread -------------------------------------------------------------------------


def _chat_session(db: Path) -> ChatSession:
    from agent.chat.context import ChatContext
    from agent.chat.session import ChatSession, open_checkpointer
    from agent.settings import CoachContext

    context = ChatContext(coach=CoachContext.from_env(None), model=None)
    return ChatSession(context, open_checkpointer(db), deal_id=DEAL, rep_id="rep-priya")


def _chat_worker(db: str, n: str, turns: str, start: str) -> None:
    chat = _chat_session(Path(db))
    _wait_for(Path(start))
    for t in range(int(turns)):
        for _ in chat.ask(f"What can you do? ({n}.{t})"):
            pass


def chat_race(workers: int = 3, turns: int = 2, runs: int = 1) -> Outcome:
    lost = crashed = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "chat.db"
            start = Path(tmp) / "go"
            procs = [
                _worker("chat", str(db), str(n), str(turns), str(start)) for n in range(workers)
            ]
            _ready_then_go(procs, start)
            crashed += sum(p.wait(300) != 0 for p in procs)
            asked = _chat_session(db).turns()
            lost += max(0, workers * turns - asked)
    return Outcome("chat race", runs, workers * turns * runs, lost, crashed=crashed)


def kill_chat(runs: int = 5, seed: int = 11) -> Outcome:
    """Kill -9 a process in the middle of its chat turns: the thread still opens, keeps every
    turn that had finished (each once), and the next turn runs (the thread's lock went with
    the killed process)."""
    rng = random.Random(seed)
    lost = twice = corrupt = 0
    killed_mid = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "chat.db"
            for _ in _chat_session(db).ask("What can you do? (before)"):
                pass  # one finished turn before the fault
            start = Path(tmp) / "go"
            proc = _worker("chat", str(db), "k", "8", str(start))
            _ready_then_go([proc], start)
            time.sleep(rng.uniform(0.0, 0.6))  # an offline turn takes about a hundred ms
            if proc.poll() is None:
                killed_mid += 1
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
            try:
                chat = _chat_session(db)
                asked = [
                    str(m.content)
                    for m in chat.values.get("messages", [])
                    if type(m).__name__ == "HumanMessage"
                ]
                for _ in chat.ask("What can you do? (after)"):
                    pass
                after = chat.turns()
            except Exception:  # noqa: BLE001  (a thread that no longer opens is what we count)
                corrupt += 1
                continue
            lost += "What can you do? (before)" not in asked or after != len(asked) + 1
            twice += len(asked) != len(set(asked))
    detail = f"{killed_mid} killed while turns were running"
    return Outcome("kill -9 chat", runs, runs, lost, twice, corrupt=corrupt, detail=detail)


WORKERS: dict[str, Callable[..., None]] = {
    "apply": _apply_worker,
    "memory": _memory_worker,
    "chat": _chat_worker,
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["worker"]:
        WORKERS[args[1]](*args[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds of each race")
    parser.add_argument("--kills", type=int, default=40, help="kill -9 runs")
    opts = parser.parse_args(args)
    started = time.perf_counter()
    outcomes = [
        apply_race(4, opts.runs),
        memory_race(6, opts.runs),
        chat_race(4, 2, max(1, opts.runs // 3)),
        kill_apply(opts.kills),
        kill_chat(max(2, opts.kills // 4)),
    ]
    for o in outcomes:
        print(o.line())
    bad = sum(o.lost + o.twice + o.crashed + o.corrupt for o in outcomes)
    print(f"data lost or damaged: {bad} ({time.perf_counter() - started:.0f} s)")
    print(json.dumps([o.__dict__ for o in outcomes]))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
