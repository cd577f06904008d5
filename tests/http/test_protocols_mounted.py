"""MCP and A2A mounted on `coach serve`: the same keys, tenants and principals as the routes. A
call without a key never reaches them; a tenant's key reaches its own deals only, whatever ids
the call sends."""

from __future__ import annotations

import anyio
import httpx
import pytest

pytest.importorskip("mcp")
from mcp import ClientSession  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

from tests.http.conftest import Service  # noqa: E402


def _text(result: object) -> str:
    return "\n".join(getattr(c, "text", "") for c in getattr(result, "content", []))


async def _mcp(url: str, key: str) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(headers=headers, timeout=60) as client,
        streamable_http_client(url, http_client=client) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        listed = await session.call_tool("list_deals", {})
        ids = {deal["id"] for deal in listed.structuredContent["items"]}
        assert ids == {"D-1008", "D-1010"}  # globex's own deals, none of acme's
        answer = await session.call_tool("next_best_action", {"deal_id": "D-1008"})
        assert not answer.isError, _text(answer)
        assert answer.structuredContent["deal_id"] == "D-1008"
        other = await session.call_tool("get_deal", {"deal_id": "D-1003"})  # acme's deal
        assert other.isError and "no deal 'D-1003'" in _text(other)


def test_mcp_on_the_service_is_scoped_to_the_keys_tenant(service: Service) -> None:
    anyio.run(_mcp, f"{service.url}/mcp/", "key-globex")


def test_mcp_and_a2a_refuse_a_call_without_a_known_key(service: Service) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    accept = {"Accept": "application/json, text/event-stream"}
    for key in (None, "not-a-key"):
        with service.client(key, accept) as client:
            assert client.post("/mcp/", json=body).status_code == 401
            card = client.get("/a2a/.well-known/agent-card.json")
            assert card.status_code == 401
            assert card.json()["error"]["code"] == "unauthorized"


def test_the_a2a_card_on_the_service_lists_the_capabilities(service: Service) -> None:
    with service.client("key-acme") as client:
        card = client.get("/a2a/.well-known/agent-card.json")
    assert card.status_code == 200, card.text
    skills = {s["id"] for s in card.json()["skills"]}
    assert {"next_best_action", "post_call_analysis"} <= skills
