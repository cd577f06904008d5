"""`coach debrief`: the newest transcript by default, JSON for programs, `--apply` once only,
and one clear message with exit code 2 for every user error."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from agent.capabilities.post_call_analysis.contract import PostCallAnalysisResult
from agent.contracts import CoachingResponse
from agent.interfaces.cli.app import app

runner = CliRunner()


def test_debrief_reads_the_newest_transcript() -> None:
    result = runner.invoke(app, ["debrief", "D-1003", "--format", "json"])
    assert result.exit_code == 0, result.output
    r = CoachingResponse.model_validate_json(result.stdout).result
    assert isinstance(r, PostCallAnalysisResult)
    assert r.call.source == "2026-11-18-call.txt" and r.call.date.isoformat() == "2026-11-18"


def test_debrief_markdown_and_apply_once(sample_copy: Path) -> None:
    ws = ["--workspace", str(sample_copy)]
    first = runner.invoke(app, ["debrief", "D-1003", "--apply", *ws])
    assert first.exit_code == 0, first.output
    assert "Call debrief" in first.stdout and "Follow-up email" in first.stdout
    assert "applied: activity a12" in first.stderr
    deal = yaml.safe_load((sample_copy / "deals/D-1003/deal.yaml").read_text())
    assert deal["activities"][-1]["id"] == "a12"
    second = runner.invoke(app, ["debrief", "D-1003", "--apply", *ws])
    assert second.exit_code == 2
    assert "already in the deal as activity 'a12'" in second.stderr
    assert "Traceback" not in second.output


def test_user_errors_exit_2_with_one_message(sample_copy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    cases = [
        (["debrief", "D-1003", "--transcript", str(tmp_path / "nope.txt")], "cannot read"),
        (["debrief", "D-1003", "--transcript", str(empty)], "transcript"),
        (["debrief", "D-1004", "--workspace", str(sample_copy)], "no transcript to analyse"),
        (["debrief", "D-1003", "--type", "lunch"], "unknown activity type 'lunch'"),
        (["debrief", "D-1003", "--date", "18/11/2026"], "--date: '18/11/2026' is not a date"),
        (["debrief", "D-9999"], "D-1003"),  # an unknown deal lists the known ones
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr and "Traceback" not in result.output, result.stderr


def test_apply_shows_the_change_and_what_is_uncertain_before_writing(
    sample_copy: Path, tmp_path: Path
) -> None:
    call = tmp_path / "2026-11-20-call.txt"
    call.write_text(
        "Priya Natarajan: Thanks Owen. I'll send the redlines by Friday.\n"
        "Owen Marchetti: Agreed.\n"
        "Priya Natarajan: I'll also book the CFO session for next week.\n"
        "Lydia Kowalczyk: I approve the budget.\n"
    )
    ws = ["--workspace", str(sample_copy), "--transcript", str(call)]
    result = runner.invoke(
        app, ["debrief", "D-1003", "--apply", "--attendee", "Owen Marchetti", *ws]
    )
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert err.index("deal file change:") < err.index("applied: activity a12")
    assert "+  - id: a12" in err or "id: a12" in err.split("applied")[0]
    assert "who spoke as 'Lydia Kowalczyk' (not confirmed" in err
    assert "book the CFO session" in err.split("uncertain")[1]  # not agreed: listed, not hidden
    deal = yaml.safe_load((sample_copy / "deals/D-1003/deal.yaml").read_text())
    lydia = next(c for c in deal["contacts"] if c["id"] == "c-lydia-kowalczyk")
    assert "c-lydia-kowalczyk" not in deal["activities"][-1]["participants"]
    assert str(lydia.get("last_contact")) != "2026-11-20"
