"""agent/resources.py: shipped data found through the packages, state in one folder that a
checkout keeps at .coach/ and an installed wheel keeps out of site-packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent import resources
from agent.resources import (
    SOURCE_ROOT,
    evals_dir,
    installed_data,
    knowledge_dir,
    plays_dir,
    prompts_dir,
    routing_intents,
    sample_workspace,
    state_dir,
)


def test_shipped_data_is_found_through_the_packages() -> None:
    assert (knowledge_dir() / "methodology" / "meth-meddicc.md").is_file()
    assert any(plays_dir().glob("play-*.md"))
    assert (prompts_dir() / "composer.md").is_file()
    assert routing_intents().is_file()
    assert (sample_workspace() / "deals" / "D-1003" / "deal.yaml").is_file()
    for name in ("thresholds.yaml", "maven_mapping.yaml", "cases", "judge_calibration"):
        assert (evals_dir() / name).exists(), name
    # In a checkout the packages are the checkout's own folders: nothing moved for developers.
    assert sample_workspace() == SOURCE_ROOT / "sample_workspace"
    assert prompts_dir() == SOURCE_ROOT / "prompts"


def test_state_lives_in_coach_home_else_the_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("COACH_HOME", raising=False)
    assert resources.is_checkout()
    assert state_dir() == SOURCE_ROOT / ".coach"
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "home"))
    assert state_dir() == tmp_path / "home"


def test_an_installed_wheel_keeps_state_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("COACH_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(resources, "is_checkout", lambda: False)
    assert state_dir() == tmp_path / "data" / "sales-coach"
    assert installed_data(sample_workspace() / "deals" / "D-1003" / "deal.yaml")
    assert not installed_data(tmp_path / "my-workspace" / "deals" / "D-1003" / "deal.yaml")


def test_a_checkout_may_write_its_own_sample() -> None:
    assert not installed_data(sample_workspace() / "deals" / "D-1003" / "deal.yaml")
