"""The `coach` command: readable for people, exact JSON for programs, exit 2 on user errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from agent.contracts import CoachingResponse
from agent.interfaces.cli.app import app
from tests.conftest import SAMPLE_DEALS

runner = CliRunner()


def test_deals_lists_every_sample_deal() -> None:
    result = runner.invoke(app, ["deals"])
    assert result.exit_code == 0
    for deal_id in SAMPLE_DEALS:
        assert deal_id in result.output


def test_next_action_json_is_an_exact_response() -> None:
    result = runner.invoke(app, ["next-action", "D-1003", "--format", "json"])
    assert result.exit_code == 0, result.output
    response = CoachingResponse.model_validate_json(result.stdout)
    assert response.deal_id == "D-1003"
    assert response.result.primary.play_id == "play-engage-economic-buyer"


def test_next_action_markdown_is_readable() -> None:
    result = runner.invoke(app, ["next-action", "D-1002"])
    assert result.exit_code == 0, result.output
    assert "Re-engage a champion" in result.stdout
    assert "Denise Farrow" in result.stdout and "Sources" in result.stdout


def test_missing_deal_exits_2_with_one_clear_message() -> None:
    result = runner.invoke(app, ["next-action", "D-404"])
    assert result.exit_code == 2
    assert "no deal 'D-404'" in result.stderr and "D-1001" in result.stderr
    assert "Traceback" not in result.output
    assert "Did you mean" not in result.stderr  # nothing is near D-404


def test_a_deal_id_in_another_case_is_not_found_and_the_message_names_the_one_meant() -> None:
    """Ids are matched as written (a CRM's may differ by case alone); the message says which
    one was most likely meant, so a rep who typed it in lower case fixes it at once."""
    result = runner.invoke(app, ["next-action", "d-1003"])
    assert result.exit_code == 2
    assert "no deal 'd-1003'. Did you mean 'D-1003'?" in " ".join(result.stderr.split())


def test_invalid_deal_file_names_file_and_field(sample_copy: Path) -> None:
    deal_id = SAMPLE_DEALS[0]
    deal_file = sample_copy / "deals" / deal_id / "deal.yaml"
    deal_file.write_text(
        deal_file.read_text().replace("expected_close: ", "expected_close: soon #", 1)
    )
    result = runner.invoke(app, ["next-action", deal_id, "--workspace", str(sample_copy)])
    assert result.exit_code == 2
    assert "deal.yaml" in result.stderr and "expected_close" in result.stderr
    assert "'soon" in result.stderr


def test_unknown_capability_in_a_request_lists_valid_ones(tmp_path: Path) -> None:
    path = tmp_path / "req.json"
    path.write_text(json.dumps({"capability": "forecast", "deal_id": "D-1001"}))
    result = runner.invoke(app, ["request", str(path)])
    assert result.exit_code == 2
    assert "unknown capability 'forecast'" in result.stderr
    assert "next_best_action" in result.stderr


def test_request_from_stdin_returns_a_typed_response() -> None:
    payload = json.dumps({"capability": "next_best_action", "deal_id": "D-1006"})
    result = runner.invoke(app, ["request", "-"], input=payload)
    assert result.exit_code == 0, result.output
    assert CoachingResponse.model_validate_json(result.stdout).result.primary.timing


def test_bad_request_and_bad_date_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("capability: next_best_action\n")
    result = runner.invoke(app, ["request", str(bad)])
    assert result.exit_code == 2 and "deal_id" in result.stderr
    result = runner.invoke(app, ["next-action", "D-1001", "--as-of", "tomorrow"])
    assert result.exit_code == 2 and "--as-of" in result.stderr


def test_schema_exports_json_schema_for_the_contracts() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schemas = json.loads(result.stdout)
    assert set(schemas) == {"request", "response", "deal-context"}
    assert "primary" in json.dumps(schemas["response"])
    one = json.loads(runner.invoke(app, ["schema", "request"]).stdout)
    assert one["title"] == "CoachingRequest"
    assert runner.invoke(app, ["schema", "nope"]).exit_code == 2


def test_real_process_prints_the_next_best_action() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "agent.interfaces.cli.app", "next-action", "D-1005"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Re-qualify" in done.stdout and "Traceback" not in done.stderr


def test_performance_json_and_markdown() -> None:
    result = runner.invoke(app, ["performance", "--rep", "rep-priya", "--json"])
    assert result.exit_code == 0, result.output
    response = CoachingResponse.model_validate_json(result.stdout)
    assert response.rep_id == "rep-priya" and response.result.kind == "performance_coaching"
    assert response.events[0].payload.type == "coaching_effectiveness"
    readable = runner.invoke(app, ["performance", "--rep", "rep-tom", "--as-of", "2026-11-20"])
    assert readable.exit_code == 0, readable.output
    assert "Tom Lindqvist" in readable.stdout and "Manager conversation guide" in readable.stdout


def test_performance_unknown_rep_exits_2_listing_known_reps() -> None:
    result = runner.invoke(app, ["performance", "--rep", "rep-nobody"])
    assert result.exit_code == 2
    assert "no rep 'rep-nobody'" in result.stderr and "rep-priya" in result.stderr
    assert "Traceback" not in result.output


def test_performance_bad_analytics_file_exits_2(sample_copy: Path) -> None:
    path = sample_copy / "org" / "analytics.yaml"
    path.write_text(path.read_text().replace("win_rate: 0.41", "win_rate: high"))
    result = runner.invoke(app, ["performance", "--rep", "rep-priya", "-w", str(sample_copy)])
    assert result.exit_code == 2
    assert "analytics.yaml" in result.stderr and "win_rate" in result.stderr
    assert "Traceback" not in result.output


def test_request_file_accepts_a_performance_request(tmp_path: Path) -> None:
    good = tmp_path / "perf.json"
    good.write_text(json.dumps({"capability": "performance_coaching", "rep_id": "rep-maya"}))
    result = runner.invoke(app, ["request", str(good)])
    assert result.exit_code == 0, result.output
    assert CoachingResponse.model_validate_json(result.stdout).rep_id == "rep-maya"
    bad = tmp_path / "no-rep.json"
    bad.write_text(json.dumps({"capability": "performance_coaching"}))
    result = runner.invoke(app, ["request", str(bad)])
    assert result.exit_code == 2 and "give rep_id" in result.stderr
