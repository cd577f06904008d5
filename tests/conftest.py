from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("LANGSMITH_TEST_TRACKING", "false")
os.environ.setdefault("LANGSMITH_TRACING", "false")

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
