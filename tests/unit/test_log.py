"""Standard logging: JSON lines an operator's tools can parse, text a person can read, a model
fallback as a WARNING, warnings shown once, the level from options or the environment, and no
secrets in either format."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import openai
import pytest
from typer.testing import CliRunner

from agent.contracts import CoachingRequest
from agent.errors import InvalidInput
from agent.interfaces.cli.app import app
from agent.log import configure, redact
from agent.service import coach
from agent.settings import CoachContext
from agent.settings_env import LogSettings
from tests.evals.fakes import ScriptedModel

runner = CliRunner()
# An endpoint that refuses at once: the model path fails without any network.
UNREACHABLE = {
    "COACH_MODEL": "m",
    "COACH_MODEL_BASE_URL": "http://127.0.0.1:9/v1",
    "COACH_MODEL_MAX_RETRIES": "0",
    "COACH_MODEL_TIMEOUT": "2",
}


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def offline() -> CoachContext:
    return CoachContext(outbox=None, memory=None)


def test_json_format_is_one_parseable_object_per_line_with_the_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure("INFO", "json")
    request = CoachingRequest(
        capability="next_best_action", deal_id="D-1005", options={"request_id": "req-42"}
    )
    coach(request, offline())
    records = json_lines(capsys.readouterr().err)
    assert records and all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    answered = next(r for r in records if r["logger"] == "agent.nodes.respond")
    assert answered["level"] == "INFO" and answered["time"].endswith("Z")
    assert answered["capability"] == "next_best_action" and answered["deal_id"] == "D-1005"
    assert answered["request_id"] == "req-42" and answered["composition"] == "template"
    assert answered["latency_ms"] > 0 and "D-1005" in answered["message"]
    assert not [r for r in records if r["level"] == "DEBUG"]  # INFO hides the detail


def test_every_request_gets_an_id_when_the_caller_gave_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure("DEBUG", "json")
    coach(CoachingRequest(capability="next_best_action", deal_id="D-1005"), offline())
    records = json_lines(capsys.readouterr().err)
    ids = {r.get("request_id") for r in records if r["logger"].startswith("agent.")}
    assert len(ids) == 1 and None not in ids
    missing = [r for r in records if r.get("code") == "missing_input"]
    assert missing and all(r["level"] == "DEBUG" for r in missing)


def test_a_model_fallback_logs_a_warning_saying_why(caplog: pytest.LogCaptureFixture) -> None:
    request = httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions")
    model = ScriptedModel().script(openai.APITimeoutError(request=request))
    with caplog.at_level(logging.DEBUG, logger="agent"):
        resp = coach(
            CoachingRequest(capability="next_best_action", deal_id="D-1003"),
            CoachContext(chat_model=model, outbox=None, memory=None),
        )
    (fallback,) = [w for w in resp.warnings if w.code == "model_fallback"]
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warned] == [fallback.message]
    assert "timed out" in warned[0].getMessage()
    assert warned[0].__dict__["code"] == "model_fallback"
    assert warned[0].__dict__["capability"] == "next_best_action"
    detail = [r for r in caplog.records if r.levelno == logging.DEBUG and r.exc_info]
    assert detail and detail[0].name == "agent.compose.enrich"  # the traceback, at DEBUG


def test_the_default_level_shows_warnings_but_not_info(
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = LogSettings.from_env(environ={})
    assert (settings.level, settings.format) == ("WARNING", "text")
    configure(settings.level, settings.format)
    log = logging.getLogger("agent.test")
    log.info("an ordinary request")
    log.warning("something to look at")
    err = capsys.readouterr().err
    assert "warning: something to look at" in err and "ordinary" not in err


def test_the_cli_shows_a_fallback_once_and_not_info_by_default() -> None:
    result = runner.invoke(app, ["strategy", "D-1003"], env=UNREACHABLE)
    assert result.exit_code == 0, result.output
    # one line: the reader found the endpoint down and the composer did not call it again
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert line.startswith("warning: model 'm' is unavailable")
    assert "could not reach http://127.0.0.1:9/v1" in line
    assert "info:" not in result.stderr and "Deal strategy" in result.stdout


def test_the_cli_in_json_gives_machine_readable_warnings() -> None:
    args = ["--log-format", "json", "--log-level", "info", "strategy", "D-1003"]
    result = runner.invoke(app, args, env=UNREACHABLE)
    assert result.exit_code == 0, result.output
    records = json_lines(result.stderr)  # every line parses: nothing else on stderr
    (warning,) = [r for r in records if r["level"] == "WARNING"]
    assert warning["code"] == "model_fallback" and warning["deal_id"] == "D-1003"
    assert warning["capability"] == "deal_strategy" and warning["request_id"]
    (answered,) = [
        r for r in records if r["logger"] == "agent.nodes.respond" and r["level"] == "INFO"
    ]
    assert answered["model"] == "m" and answered["request_id"] == warning["request_id"]


def test_environment_variables_set_level_and_format() -> None:
    env = {**UNREACHABLE, "COACH_LOG_FORMAT": "json", "COACH_LOG_LEVEL": "info"}
    result = runner.invoke(app, ["strategy", "D-1003"], env=env)
    assert {r["level"] for r in json_lines(result.stderr)} == {"INFO", "WARNING"}
    # An option beats the environment.
    result = runner.invoke(app, ["--log-level", "error", "strategy", "D-1003"], env=env)
    assert result.exit_code == 0 and result.stderr == ""


def test_an_unknown_level_or_format_is_a_user_error() -> None:
    result = runner.invoke(app, ["deals"], env={"COACH_LOG_LEVEL": "loud"})
    assert result.exit_code == 2 and "COACH_LOG_LEVEL" in result.stderr
    assert "Traceback" not in result.output
    with pytest.raises(InvalidInput, match="log format 'xml'"):
        LogSettings.from_env(fmt="xml", environ={})


def test_secrets_never_reach_the_log(capsys: pytest.CaptureFixture[str]) -> None:
    key = "sk-proj-abcdefghijklmnop"
    assert key not in redact(f"Authorization: Bearer {key}")
    configure("DEBUG", "json")
    log = logging.getLogger("agent.test")
    try:
        raise RuntimeError(f"rejected api_key={key}")
    except RuntimeError:
        log.warning("call failed with OPENAI_API_KEY=%s", key, exc_info=True)
    err = capsys.readouterr().err
    assert key not in err and json_lines(err)[0]["exception"]
    configure("DEBUG", "text")
    log.warning("key %s", key)
    assert key not in capsys.readouterr().err


def test_other_libraries_stay_quiet_below_warning(capsys: pytest.CaptureFixture[str]) -> None:
    configure("DEBUG", "text")
    noisy = logging.getLogger("somelib")
    noisy.setLevel(logging.DEBUG)  # as bm25s does
    noisy.debug("index built")
    logging.getLogger("agent.test").debug("our detail")
    err = capsys.readouterr().err
    assert "our detail" in err and "index built" not in err


def test_a_user_error_in_json_mode_is_one_json_line_and_exit_2() -> None:
    result = runner.invoke(app, ["--log-format", "json", "next-action", "D-404"])
    assert result.exit_code == 2
    (record,) = json_lines(result.stderr)
    assert record["level"] == "ERROR" and record["code"] == "user_error"
    assert "no deal 'D-404'" in record["message"]
