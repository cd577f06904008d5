"""COACH_DATABASE_URL set wrongly: one message (what, where, fix) and exit 2, never a traceback
or the password. Needs no server."""

from __future__ import annotations

import socket
import sys

import pytest
from typer.testing import CliRunner

from agent.interfaces.cli.app import app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _chat(monkeypatch: pytest.MonkeyPatch, url: str) -> tuple[int, str]:
    monkeypatch.setenv("COACH_DATABASE_URL", url)
    result = CliRunner().invoke(app, ["chat", "-d", "D-1003", "--once", "hi"])
    return result.exit_code, " ".join(result.output.split())


def test_an_unreachable_server_is_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("langgraph.checkpoint.postgres")
    code, text = _chat(monkeypatch, f"postgresql://coach:s3cret@127.0.0.1:{_closed_port()}/x")
    assert code == 2
    assert "cannot reach the database at 127.0.0.1" in text and "COACH_DATABASE_URL" in text
    assert "s3cret" not in text and "Traceback" not in text


def test_a_missing_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langgraph.checkpoint.postgres", None)
    code, text = _chat(monkeypatch, "postgresql://coach@127.0.0.1:1/missing-package")
    assert code == 2
    assert "PostgreSQL support is not installed" in text and "sales-coach[postgres]" in text


def test_a_url_that_is_not_postgresql_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    code, text = _chat(monkeypatch, "mysql://coach:s3cret@db/coach")
    assert code == 2 and "not a PostgreSQL URL" in text and "s3cret" not in text
