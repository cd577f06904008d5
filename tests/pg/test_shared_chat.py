"""Chat threads in a real PostgreSQL, through the real chat graph (offline): a thread started in
one process goes on in others (`coach chat --once` and a worker at once, `coach serve`
workers), and no turn is lost. `python -m evals.bench_shared_stores` races more turns."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import httpx

from agent.chat.context import ChatContext
from agent.chat.session import ChatSession
from agent.contracts.principal import Principal
from agent.settings import CoachContext
from agent.stores import chat_place, saver_at
from evals.bench_http import server
from evals.bench_shared_stores import DEAL, REP, asked, spawn

REPO = Path(__file__).resolve().parents[2]


def test_a_second_process_continues_the_thread_and_two_at_once_lose_no_turn(
    pg_url: str, tmp_path: Path
) -> None:
    """Turn 1 here; then `coach chat --once` and a worker sending three turns, at once, on the
    same thread (the CLI's: rep and deal, under the rep as principal)."""
    ctx = replace(CoachContext.from_env(), principal=Principal.parse(REP))
    assert ctx.database_url == pg_url

    def session() -> ChatSession:
        saver = saver_at(chat_place(ctx))
        return ChatSession(ChatContext(coach=ctx), saver, deal_id=DEAL, rep_id=REP)

    list(session().ask("what can you do? (here)"))
    go = tmp_path / "go"
    worker = spawn("chat", "w", "3", str(go), "--cli-thread")
    cli = subprocess.Popen(
        [sys.executable, "-m", "agent.interfaces.cli.app", "chat", "-d", DEAL, "-r", REP]
        + ["--offline", "--once", "what can you do? (cli)"],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    go.touch()
    _, cli_err = cli.communicate(timeout=300)
    acknowledged, worker_err = worker.communicate(timeout=300)
    assert (cli.returncode, worker.returncode) == (0, 0), (cli_err[-1500:], worker_err[-1500:])
    assert acknowledged.split() == ["w-0", "w-1", "w-2"]
    said = asked(session())
    assert said[0] == "what can you do? (here)"
    expected = {f"what can you do? ({t})" for t in ("here", "cli", "w-0", "w-1", "w-2")}
    assert set(said) == expected and len(said) == 5  # every turn, none twice
    assert session().turns() == 5


def test_two_serve_workers_share_a_thread(pg_url: str) -> None:
    env = {"COACH_DATABASE_URL": pg_url, "PYTHONPATH": str(REPO)}
    with ExitStack() as stack, ThreadPoolExecutor(2) as starting:  # both start at once
        a, b = starting.map(lambda _: stack.enter_context(server(env)), range(2))
        assert a.url != b.url
        first = {"message": "what can you do?", "deal_id": "D-1003"}
        assert httpx.post(f"{a.url}/v1/chat/team", json=first, timeout=120).status_code == 200
        second = {"message": "who should I engage next?"}
        answer = httpx.post(f"{b.url}/v1/chat/team", json=second, timeout=120)
        assert answer.status_code == 200 and answer.json()["answer"]
        for worker in (a, b):
            thread = httpx.get(f"{worker.url}/v1/chat/team", timeout=60).json()
            said = [m["text"] for m in thread["messages"] if m["role"] == "human"]
            assert said == ["what can you do?", "who should I engage next?"]
            assert thread["deal_id"] == "D-1003"  # set by turn 1 on the other worker
