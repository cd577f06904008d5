"""`coach --version` and shell completion: the generated capability commands, their options,
deal ids and rep ids complete through the same protocol bash uses."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import agent
from agent.interfaces.cli.app import app, installed_version
from tests.conftest import SAMPLE_DEALS

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def complete(line: str) -> list[str]:
    """What bash would offer for the last word of `line` (an empty last word after a space)."""
    words = line.split(" ")
    env = {
        "_COACH_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    result = runner.invoke(app, [], env=env, prog_name="coach")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_version_is_the_installed_distributions() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert agent.__version__ == pyproject["project"]["version"]
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"coach {importlib.metadata.version('sales-coach')}"


def test_version_falls_back_to_the_package_in_a_bare_checkout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)  # imported when asked
    assert installed_version() == agent.__version__


@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete_bash"), ("zsh", "#compdef")])
def test_show_completion_for_a_named_shell(shell: str, marker: str) -> None:
    result = runner.invoke(app, ["--show-completion", shell], prog_name="coach")
    assert result.exit_code == 0, result.output
    assert "_COACH_COMPLETE" in result.stdout and marker in result.stdout


def test_commands_complete_including_generated_capability_commands() -> None:
    assert complete("coach next-a") == ["next-action"]
    assert {"debrief", "brief", "performance", "kb", "live"} <= set(complete("coach "))
    assert {"--version", "--show-completion"} <= set(complete("coach --"))


def test_capability_options_complete() -> None:
    brief = set(complete("coach brief D-1003 --"))
    assert {"--attendee", "--minutes", "--objective", "--agenda-item", "--as-of"} <= brief
    assert complete("coach objections D-1002 --mes") == ["--message"]
    assert "--apply" in complete("coach debrief D-1003 --")


def test_deal_and_rep_ids_complete_from_the_workspace() -> None:
    assert complete("coach next-action D-10") == SAMPLE_DEALS
    assert complete("coach debrief D-1003") == ["D-1003"]
    assert "rep-priya" in complete("coach performance --rep rep-")
    assert complete("coach chat --deal D-100") == [d for d in SAMPLE_DEALS if "D-100" in d]


def test_a_missing_workspace_completes_nothing(tmp_path: Path) -> None:
    assert complete(f"coach next-action --workspace {tmp_path / 'nowhere'} D-") == []
