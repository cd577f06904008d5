"""`coach chat` from the command line, and the graphs a LangGraph server would serve."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from langgraph.graph.state import CompiledStateGraph
from typer.testing import CliRunner

from agent.interfaces.cli.app import app
from tests.conftest import REPO, rename_deal

runner = CliRunner()


def test_once_answers_and_exits_0() -> None:
    result = runner.invoke(app, ["chat", "--deal", "D-1003", "--once", "what should I do next?"])
    assert result.exit_code == 0, result.output
    assert "Next best action" in result.stdout and "Lydia Kowalczyk" in result.stdout
    assert "Traceback" not in result.output


def test_the_conversation_is_kept_and_new_starts_afresh() -> None:
    runner.invoke(app, ["chat", "-d", "D-1005", "--once", "who are the stakeholders?"])
    result = runner.invoke(app, ["chat", "-d", "D-1005", "--once", "and for D-1002?"])
    assert "Stakeholder strategy" in result.stdout and "D-1002" in result.stdout
    result = runner.invoke(app, ["chat", "-d", "D-1005", "--new", "--once", "same again"])
    assert result.exit_code == 0 and "not sure what you need" in result.stdout


def test_interactive_session_quits_on_exit_and_eof() -> None:
    result = runner.invoke(app, ["chat", "--rep", "rep-tom"], input="what can you do?\nexit\n")
    assert result.exit_code == 0, result.output
    assert "Objection handling" in result.stdout
    result = runner.invoke(app, ["chat"], input="hi\n")  # EOF after one turn
    assert result.exit_code == 0 and "Hello" in result.stdout


@pytest.mark.parametrize("command", ["/quit", "/exit", "/q", "QUIT"])
def test_a_slash_command_to_leave_ends_the_session_without_an_answer(command: str) -> None:
    result = runner.invoke(app, ["chat"], input=f"{command}\nhi\n")
    assert result.exit_code == 0, result.output
    assert "Hello" not in result.stdout  # neither the command nor the next line was answered


def test_bad_deal_exits_2_with_one_message() -> None:
    result = runner.invoke(app, ["chat", "--deal", "D-404", "--once", "hi"])
    assert result.exit_code == 2
    assert "no deal 'D-404'" in result.stderr and "Traceback" not in result.output


def test_an_unreachable_model_gives_the_answer_and_one_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COACH_MODEL", "gpt-test")
    monkeypatch.setenv("COACH_MODEL_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens
    monkeypatch.setenv("COACH_MODEL_API_KEY", "sk-test")
    result = runner.invoke(app, ["chat", "-d", "D-1003", "--once", "next step?"])
    assert result.exit_code == 0, result.output
    assert "Next best action" in result.stdout
    assert result.stderr.count("warning:") == 1 and "could not be reached" in result.stderr


def test_langgraph_json_points_at_compiled_graphs() -> None:
    config = json.loads((REPO / "langgraph.json").read_text())
    assert config["dependencies"] == ["."]
    assert {"coach", "chat"} <= set(config["graphs"])
    for target in config["graphs"].values():
        path, attr = target.split(":")
        spec = importlib.util.spec_from_file_location("served", REPO / Path(path))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert isinstance(getattr(module, attr), CompiledStateGraph), target


def test_a_deal_named_by_a_crm_s_own_id_is_the_chat_s_deal_and_an_id_alone_goes_on(
    sample_copy: Path,
) -> None:
    """A CRM's ids have its own shape ("00400B1S"): the chat finds them in the workspace, so
    a question naming one is about that deal, and the id alone repeats the last question on
    it, as "D-1004" does."""
    rename_deal(sample_copy, "D-1003", "00400B1S")
    rename_deal(sample_copy, "D-1004", "0KSK9O00")
    messages = "who are the stakeholders on 00400B1S?\n0ksk9o00\n"
    result = runner.invoke(app, ["chat", "--workspace", str(sample_copy)], input=messages)
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "Stakeholder strategy · 00400B1S" in said and "Stakeholder strategy · 0KSK9O00" in said
    assert "Which deal" not in said


def test_a_rep_asking_as_themselves_is_the_chat_s_rep() -> None:
    """`coach --as rep-priya chat`: "my deals" are rep-priya's, not a question of whose."""
    result = runner.invoke(
        app, ["--as", "rep-priya", "chat", "--new", "--once", "how am I doing across my deals?"]
    )
    assert result.exit_code == 0, result.output
    assert "Performance coaching · rep-priya" in " ".join(result.stdout.split())
