from __future__ import annotations

import os
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
    return memory


REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_workspace"
SAMPLE_DEALS = sorted(p.name for p in (SAMPLE / "deals").iterdir() if p.is_dir())


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample workspace for tests that break files on purpose."""
    import shutil

    target = tmp_path / "ws"
    shutil.copytree(SAMPLE, target)
    return target
