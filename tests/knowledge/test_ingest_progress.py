"""Ingest reports its progress (documents parsed, chunks embedded, chunks stored) through a
callback, with counts that only grow and end at the totals; the CLI draws a bar from it on a
terminal and nothing otherwise."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from agent.interfaces.cli import kb as kb_cli
from agent.interfaces.cli.app import app
from agent.interfaces.cli.kb import _reporter, progress_bar
from agent.settings import CoachContext
from knowledge import embeddings
from knowledge.ingest import STAGES, Stage, ingest

runner = CliRunner()


class Recorder:
    def __init__(self) -> None:
        self.calls: dict[Stage, list[tuple[int, int]]] = defaultdict(list)

    def __call__(self, stage: Stage, done: int, total: int) -> None:
        self.calls[stage].append((done, total))


def grows(calls: list[tuple[int, int]]) -> bool:
    done = [d for d, _ in calls]
    return done == sorted(done) and len({t for _, t in calls}) == 1


def test_progress_grows_and_ends_at_the_chunk_count(
    small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embeddings, "BATCH_TOKENS", 64)  # several batches for a tiny folder
    seen = Recorder()
    report = ingest((small_kb,), tmp_path / "index", progress=seen)
    assert set(seen.calls) == set(STAGES)
    assert all(grows(calls) for calls in seen.calls.values())
    assert seen.calls["documents"][-1] == (report.documents, report.documents)
    chunks = seen.calls["chunks"]
    assert chunks[0] == (0, report.chunks)  # nothing reused on a first ingest
    assert len(chunks) > 2 and chunks[-1] == (report.chunks, report.chunks)
    assert seen.calls["store"][-1] == (report.chunks, report.chunks)


def test_reused_chunks_count_at_once(small_kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    ingest((small_kb,), root)
    path = small_kb / "obj-security.md"
    path.write_text(path.read_text().replace("bring the security pack", "offer a review call"))
    seen = Recorder()
    report = ingest((small_kb,), root, progress=seen)
    assert seen.calls["chunks"][0] == (report.reused, report.chunks)
    assert seen.calls["chunks"][-1] == (report.chunks, report.chunks)


def test_an_index_up_to_date_reports_only_the_documents(small_kb: Path, tmp_path: Path) -> None:
    ingest((small_kb,), tmp_path / "index")
    seen = Recorder()
    assert ingest((small_kb,), tmp_path / "index", progress=seen).unchanged
    assert list(seen.calls) == ["documents"]


def test_the_bar_draws_on_a_terminal_only() -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    with progress_bar(terminal, show=True) as bar:
        report = _reporter(bar)
        assert report is not None
        report("chunks", 5, 10)
        report("chunks", 10, 10)
        assert bar is not None and [t.completed for t in bar.tasks] == [10]
    assert "Embedding chunks" in screen.getvalue()
    piped = Console(file=io.StringIO(), force_terminal=False)
    with progress_bar(piped, show=True) as bar:
        assert bar is None and _reporter(bar) is None
    with progress_bar(terminal, show=False) as bar:  # --quiet
        assert bar is None


def test_kb_ingest_through_a_pipe_prints_no_bar(
    small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_small = CoachContext(knowledge_dirs=(small_kb,), index_dir=tmp_path / "index")
    monkeypatch.setattr(kb_cli, "_context", lambda knowledge, index: only_small)  # fast
    result = runner.invoke(app, ["kb", "ingest"])
    assert result.exit_code == 0, result.output
    assert "Indexed 3 documents" in result.stdout and result.stderr == ""
    result = runner.invoke(app, ["kb", "ingest", "--quiet", "--force"])
    assert result.exit_code == 0 and "Indexed" in result.stdout and result.stderr == ""
