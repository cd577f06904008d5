from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("LANGSMITH_TEST_TRACKING", "false")
os.environ.setdefault("LANGSMITH_TRACING", "false")


@pytest.fixture(autouse=True)
def _private_memory(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Tests never share or leave long-term memory (coaching history, call lessons) or
    downstream events behind in the repository."""
    folder = tmp_path_factory.mktemp("memory")
    memory, outbox = folder / "memory.sqlite", folder / "events.jsonl"
    monkeypatch.setenv("COACH_MEMORY", str(memory))
    monkeypatch.setattr("agent.settings.DEFAULT_MEMORY", memory)
    monkeypatch.setenv("COACH_OUTBOX", str(outbox))
    monkeypatch.setattr("agent.settings.DEFAULT_OUTBOX", outbox)
    # no calibrated win model from a developer's own `coach calibrate` run leaks into tests
    monkeypatch.setenv("COACH_WIN_MODEL", str(folder / "win_model.json"))
    monkeypatch.setattr("agent.settings.DEFAULT_WIN_MODEL", folder / "win_model.json")
    # single-user mode unless a test names a principal; set (empty), so that `coach --as`,
    # which sets COACH_PRINCIPAL for the process, is undone after the test
    monkeypatch.setenv("COACH_PRINCIPAL", "")
    monkeypatch.setenv("COACH_REP", "")
    # SQLite files unless a test names a database (tests/pg); the default retention
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    monkeypatch.delenv("COACH_CHAT_RETENTION_DAYS", raising=False)
    return memory


@pytest.fixture(autouse=True)
def _logging_restored(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI configures logging for the whole process (agent/log.py); each test starts from
    the environment's defaults and leaves the handlers and levels as it found them."""
    monkeypatch.delenv("COACH_LOG_LEVEL", raising=False)
    monkeypatch.delenv("COACH_LOG_FORMAT", raising=False)
    root = logging.getLogger()
    names = ("agent", "knowledge", "tools", "evals")
    saved = (list(root.handlers), root.level, [logging.getLogger(n).level for n in names])
    yield
    logging.captureWarnings(False)
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in zip(names, saved[2], strict=True):
        logging.getLogger(name).setLevel(level)


REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_workspace"
SAMPLE_DEALS = sorted(p.name for p in (SAMPLE / "deals").iterdir() if p.is_dir())


def rename_deal(workspace: Path, old: str, new: str) -> None:
    """A deal given another id, as a CRM's own (Maven's "00400B1S"): its folder and every
    mention in its files."""
    folder = workspace / "deals" / old
    for path in folder.rglob("*"):
        if path.is_file():
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    folder.rename(workspace / "deals" / new)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample workspace for tests that break files on purpose."""
    import shutil

    target = tmp_path / "ws"
    shutil.copytree(SAMPLE, target)
    return target
