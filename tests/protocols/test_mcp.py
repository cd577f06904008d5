"""The coach over MCP, with the official SDK's client: over stdio (`coach mcp`, as a desktop
client starts it) and over streamable HTTP (the ASGI app, served by uvicorn on loopback)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest

from agent.capabilities.requests import answering, request_model
from agent.contracts.principal import Principal
from agent.settings import CoachContext
from tests.protocols.conftest import REPO, free_port, in_thread, server_env

mcp = pytest.importorskip("mcp")
uvicorn = pytest.importorskip("uvicorn")

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402


def _text(result: Any) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


def _example() -> Any:
    spec = importlib.util.spec_from_file_location("mcp_client", REPO / "examples/mcp_client.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _stdio_checks(env: dict[str, str]) -> int:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "agent.interfaces.cli.app", "mcp"], env=env, cwd=REPO
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        # the orchestrator example's own session code (examples/mcp_client.py), then the rest
        done: int = await _example().next_best_action(session, "D-1003")
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        for spec in answering():  # one tool per capability, its typed request as input
            schema = tools[spec.name].inputSchema
            assert set(schema["properties"]) == set(request_model(spec).model_fields)
            assert spec.result is not None and len(json.dumps(schema)) < 5_000
            output = tools[spec.name].outputSchema
            assert output is not None
            assert output["properties"]["result"]["title"] == spec.result.__name__
        assert {"search_knowledge", "list_deals", "get_deal"} <= set(tools)

        found = await session.call_tool("list_deals", {})
        owned = {deal["id"] for deal in found.structuredContent["items"]}
        assert owned == {"D-1003", "D-1006", "D-1011"}  # rep-priya's own deals only

        forbidden = await session.call_tool("stakeholder_strategy", {"deal_id": "D-1004"})
        assert forbidden.isError and "no deal 'D-1004'" in _text(forbidden)
        assert "D-1003" in _text(forbidden) and "Traceback" not in _text(forbidden)

        bad = await session.call_tool(
            "objection_guide", {"deal_id": "D-1003", "message": "too pricey", "as_of": "2026-02-30"}
        )
        assert bad.isError
        assert _text(bad).startswith("objection_guide: as_of:") and "2026-02-30" in _text(bad)
        unknown_field = await session.call_tool("next_best_action", {"deal_id": "D-1003", "x": 1})
        assert unknown_field.isError and "x: Extra inputs are not permitted" in _text(unknown_field)
    return done


def test_stdio_session_runs_the_example_scopes_the_principal_and_explains_bad_input(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    env = server_env(tmp_path, {"COACH_PRINCIPAL": "rep-priya"})
    assert anyio.run(_stdio_checks, env) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "next_best_action" in lines[0] and "search_knowledge" in lines[0]
    assert lines[1].startswith("next best action on D-1003: ")
    assert "citations" in lines[3] and not lines[3].endswith(" 0 citations")


@pytest.fixture
def http_url(tmp_path: Any) -> Iterator[str]:
    """The MCP app on uvicorn in a thread; each call's principal from the X-Coach-Principal
    header over the test's own settings (the HTTP service passes its key's principal)."""
    from agent.interfaces.caller import with_named_principal
    from agent.interfaces.mcp.http import mcp_http_app

    base = CoachContext.from_env()  # the test's own memory and outbox (tests/conftest.py)

    def context_for(request: Any) -> CoachContext:
        return with_named_principal(base, request)

    port = free_port()
    with in_thread(mcp_http_app(context_for, path="/mcp"), port):
        yield f"http://127.0.0.1:{port}/mcp/"


async def _http_checks(url: str) -> None:
    headers = {"X-Coach-Principal": "rep-tom"}
    async with (
        httpx.AsyncClient(headers=headers, timeout=60) as client,
        streamable_http_client(url, http_client=client) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        names = [tool.name for tool in (await session.list_tools()).tools]
        assert names[: len(answering())] == [spec.name for spec in answering()]

        answer = await session.call_tool("next_best_action", {"deal_id": "D-1004"})
        assert not answer.isError, _text(answer)
        response = answer.structuredContent
        assert response["deal_id"] == "D-1004" and response["capability"] == "next_best_action"
        assert _text(answer) == response["markdown"]

        other = await session.call_tool("get_deal", {"deal_id": "D-1003"})  # rep-priya's deal
        assert other.isError and "no deal 'D-1003'" in _text(other)

        passages = await session.call_tool(
            "search_knowledge", {"query": "no budget", "k": 2, "mode": "lexical"}
        )
        items = passages.structuredContent["items"]
        assert len(items) == 2 and all(p["ref"].startswith("kb:") for p in items)


def test_streamable_http_session_with_the_callers_principal(http_url: str) -> None:
    anyio.run(_http_checks, http_url)


def test_the_environment_principal_wins_over_a_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from starlette.requests import Request

    from agent.interfaces import caller

    caller._env_context.cache_clear()
    monkeypatch.setenv("COACH_PRINCIPAL", "acme/rep-maya")
    try:
        ctx = caller.local_context(None)
        assert ctx.principal == Principal(id="rep-maya", tenant="acme")
        other = Request({"type": "http", "headers": [(b"x-coach-principal", b"rep-tom")]})
        assert caller.local_context(other).principal == ctx.principal  # never widened
    finally:
        caller._env_context.cache_clear()
    assert os.environ["COACH_PRINCIPAL"] == "acme/rep-maya"
