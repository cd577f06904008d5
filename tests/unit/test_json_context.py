"""The graphs' JSON boundary, in-process: a request as JSON is validated at the first node, and
the context as JSON (ContextInput) means the COACH_* environment's settings with its own on
top, so a LangGraph server or Studio runs exactly as the CLI would."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.contracts.principal import Principal
from agent.errors import InvalidInput
from agent.graph import graph
from agent.settings import CoachContext
from agent.settings_json import ContextInput, settings


def test_json_settings_sit_on_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COACH_LINK_HOSTS", "example.com")
    monkeypatch.setenv("COACH_PRINCIPAL", "rep-priya")
    given = ContextInput(workspace=str(tmp_path), outbox="", max_guidance=1, thread_id="t")
    ctx = settings(given)
    assert ctx.workspace == tmp_path.resolve() and isinstance(ctx.workspace, Path)
    assert ctx.outbox is None and ctx.max_guidance == 1
    assert ctx.link_hosts == ("example.com",) and ctx.principal == Principal(id="rep-priya")
    assert settings(ContextInput(principal="acme/rep-tom")).principal == Principal(
        id="rep-tom", tenant="acme"
    )
    monkeypatch.setenv("COACH_LINK_HOSTS", "")  # a changed environment is read again
    assert settings(given).link_hosts == ()


def test_an_in_process_context_is_used_as_given() -> None:
    ctx = CoachContext(max_alternatives=1)
    assert settings(ctx) is ctx


def test_a_bad_principal_names_the_context_field() -> None:
    with pytest.raises(InvalidInput, match="context.principal"):
        settings(ContextInput(principal="not a principal!"))


def test_the_graph_takes_json_input_and_context() -> None:
    out = graph.invoke(
        {"request": {"capability": "process_adherence", "deal_id": "D-1005"}},
        context={"outbox": "", "max_alternatives": 1},
    )
    assert out["response"].deal_id == "D-1005"
    with pytest.raises(InvalidInput, match=r"^request: .*deal_id"):
        graph.invoke({"request": {"capability": "process_adherence"}}, context={})


def test_the_graphs_declare_their_json_schemas() -> None:
    assert set(graph.get_input_jsonschema()["properties"]) == {"request"}
    assert set(graph.get_output_jsonschema()["properties"]) == {"response"}
    context = graph.get_context_jsonschema()
    assert context is not None and "workspace" in context["properties"]
