"""The size limits on every read are settings (COACH_LIMIT_<NAME>, agent/settings_env.py): the
defaults are unchanged, and a lower limit applies where the input is read with the same
message as the default one, naming what, where and how to fix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.errors import InvalidInput
from agent.intake import LIMITS, MB, Limits, read_text, set_limits
from agent.interfaces.cli.app import app
from agent.reading.transcripts import parse_transcript
from agent.settings import CoachContext
from agent.settings_env import limits_from_env

runner = CliRunner()


@pytest.fixture(autouse=True)
def _defaults_after() -> Iterator[None]:
    """Limits are process-wide: every test leaves the defaults behind."""
    yield
    set_limits(Limits())


def test_defaults_are_unchanged_and_each_limit_is_a_setting() -> None:
    assert limits_from_env({}) == Limits()
    assert (Limits().transcript, Limits().request, Limits().message) == (5 * MB, 6 * MB, MB)
    assert (Limits().utterances, Limits().list_items, Limits().field_chars) == (20_000, 200, 8000)
    env = {"COACH_LIMIT_TRANSCRIPT": "512kB", "COACH_LIMIT_UTTERANCES": "50"}
    got = limits_from_env({**env, "COACH_LIMIT_REQUEST": "2MB", "COACH_LIMIT_ID_LENGTH": "9"})
    assert (got.transcript, got.utterances, got.request) == (512 * 1024, 50, 2 * MB)
    assert got.id_length == Limits().id_length  # a file system's limit, not a setting
    changed = {k for k, v in asdict(got).items() if v != asdict(Limits())[k]}
    assert changed == {"transcript", "utterances", "request"}


@pytest.mark.parametrize("value", ["0", "-3", "lots", "5GB", ""])
def test_a_bad_limit_names_its_variable(value: str) -> None:
    if not value:  # empty is unset
        assert limits_from_env({"COACH_LIMIT_MESSAGE": value}) == Limits()
        return
    with pytest.raises(InvalidInput) as bad:
        limits_from_env({"COACH_LIMIT_MESSAGE": value})
    assert "COACH_LIMIT_MESSAGE" in str(bad.value) and "5MB" in str(bad.value)


def test_a_lower_transcript_limit_reads_like_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "call.txt"
    big.write_bytes(b"Owen: yes.\n" * (5 * MB // 11 + 1))
    with pytest.raises(InvalidInput) as default:
        read_text(big, LIMITS.transcript, "transcript")
    small = tmp_path / "small.txt"
    small.write_text("Owen Marchetti: we can sign in March.\n" * 60, encoding="utf-8")
    monkeypatch.setenv("COACH_LIMIT_TRANSCRIPT", "1kB")
    refused = runner.invoke(app, ["debrief", "D-1003", "--transcript", str(small)])
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    said = " ".join(refused.stderr.split())
    expected = str(default.value).replace(str(big), str(small)).replace("5 MB", "1 kB")
    assert " ".join(expected.split()) in said


def test_lower_line_and_message_limits_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_LIMIT_UTTERANCES", "10")
    monkeypatch.setenv("COACH_LIMIT_MESSAGE", "100")
    CoachContext.from_env()  # what every command does first
    call = "".join(f"{'Owen' if i % 2 else 'Priya'}: line {i}.\n" for i in range(30))
    with pytest.raises(InvalidInput, match="more than 10 turns"):
        parse_transcript(call)
    assert len(parse_transcript(call.splitlines()[0]).utterances) == 1
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"deal_id": "D-1003", "message": "x" * 101}), encoding="utf-8")
    refused = runner.invoke(app, ["request", str(request)])
    assert refused.exit_code == 2 and "at most 100 characters" in refused.stderr
    request.write_text(json.dumps({"deal_id": "D-1003", "message": "x" * 99}), encoding="utf-8")
    assert "at most" not in runner.invoke(app, ["request", str(request)]).output
