"""The runner survives a crashing case; reports diff runs and the gate enforces thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.interfaces.cli import eval as eval_cli
from agent.interfaces.cli.app import app
from evals.harness import runner as runner_module
from evals.harness.graders import offline_graders
from evals.harness.report import Threshold, Thresholds, diff, gate, load_results, write_reports
from evals.harness.runner import RunSettings, load_cases, run

SCENARIOS = Path(__file__).resolve().parents[2] / "evals" / "scenarios"


def test_a_crash_is_that_case_s_failure_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = runner_module.coach

    def flaky(request, context):  # type: ignore[no-untyped-def]
        if request.deal_id == "D-1009":
            raise RuntimeError("upstream exploded")
        return real(request, context)

    monkeypatch.setattr(runner_module, "coach", flaky)
    # About crash isolation, not speed: without the latency grader a busy machine cannot fail it.
    graders = [g for g in offline_graders() if g.name != "latency"]
    settings = RunSettings(pattern="nba-*", repeat=2, graders=graders)
    results = run(settings, load_cases(settings))
    stalled = next(c for c in results.cases if c.id == "nba-stalled-deal")
    assert not stalled.pass_k and "upstream exploded" in (stalled.attempts[0].error or "")
    others = [c for c in results.cases if c.id != "nba-stalled-deal"]
    assert others and all(c.pass_k for c in others)
    summary = results.summary["next_best_action"]
    assert summary.attempts == 2 * len(results.cases)
    assert summary.pass_k_rate == round(len(others) / len(results.cases), 3)
    assert gate(results, Thresholds())  # below the 100% default


def test_reports_diff_and_html(tmp_path: Path) -> None:
    settings = RunSettings(pattern="nba-s*")
    first = run(settings, load_cases(settings))
    flipped = first.model_copy(deep=True)
    flipped.cases[0].attempts[0].passed = False
    shown = write_reports(flipped, tmp_path, first, gate(flipped, Thresholds()))
    assert shown.change.newly_failing == [first.cases[0].id]
    assert [f.id for f in shown.failing] == [first.cases[0].id]
    assert diff(first, flipped)["newly_passing"] == [first.cases[0].id]
    page = (tmp_path / "report.html").read_text()
    assert ">FAIL<" in page and "<script" not in page and "Change since the last run" in page
    assert load_results(tmp_path / "results.json") == flipped
    lenient = Thresholds(default=Threshold(min_pass_rate=0.5, min_pass_k_rate=0.5))
    assert gate(flipped, lenient) == []


def test_coach_eval_gate_passes_on_the_shipped_cases(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "--gate", "--out", str(tmp_path), "--baseline", str(tmp_path / "none.json")]
    )
    assert result.exit_code == 0, result.output
    printed = result.output.splitlines()  # the report's opening summary, compact
    assert any(x.startswith("capability") and "checks held" in x for x in printed)
    assert any(x.startswith("overall ") for x in printed) and "Gate: PASSED" in printed
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["gate"] == [] and len(data["cases"]) >= 5
    assert "rubric" in json.dumps(data)  # rubric grader reported, skipped without a model


def test_an_eval_run_leaves_memory_and_the_outbox_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Evaluating must not teach the agent (coaching history, call lessons) nor send events."""
    memory, outbox = tmp_path / "memory.sqlite", tmp_path / "events.jsonl"
    monkeypatch.setenv("COACH_MEMORY", str(memory))
    monkeypatch.setenv("COACH_OUTBOX", str(outbox))
    args = ["eval", "--capability", "deal_strategy", "--out", str(tmp_path / "run")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert not memory.exists() and not outbox.exists()
    cases = json.loads((tmp_path / "run" / "results.json").read_text())["cases"]
    assert cases and all(a["passed"] for c in cases for a in c["attempts"])


def test_a_case_folder_is_compared_with_its_own_last_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scenarios diff against the last scenario run, not the last run of evals/cases."""
    monkeypatch.setattr(eval_cli, "EVAL_HOME", tmp_path / "home")
    folder = tmp_path / "scenarios" / "next_best_action"
    folder.mkdir(parents=True)
    source = SCENARIOS / "next_best_action" / "jdg-nba-cfo-meeting-booked.yaml"
    (folder / source.name).write_text(source.read_text())
    args = ["eval", "--cases", str(tmp_path / "scenarios")]
    first = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "one")])
    assert first.exit_code == 0, first.output
    assert (tmp_path / "home" / "latest-scenarios.json").is_file()
    assert not (tmp_path / "home" / "latest.json").exists()
    second = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "two")])
    previous = load_results(tmp_path / "one" / "results.json")
    assert previous is not None and f"Since {previous.run_id}:" in second.output
