"""Who may see what: keys bound to tenants, principals within them; no id a request sends
reaches another tenant's or principal's deal or thread."""

from __future__ import annotations

from typing import Any

import pytest

from agent.settings import SAMPLE_WORKSPACE
from tests.factories import inline_deal
from tests.http.conftest import TENANT_DEALS, Service


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 401), ({"X-API-Key": "key-acme"}, 200)],
)
def test_a_key_is_needed_and_must_be_known(
    service: Service, headers: dict[str, str], status: int
) -> None:
    with service.client(headers=headers) as http:
        got = http.get("/v1/deals")
    assert got.status_code == status
    if status == 401:
        assert got.json()["error"]["code"] == "unauthorized" and "WWW-Authenticate" in got.headers


def test_a_tenant_cannot_reach_another_tenants_deal_by_id(service: Service) -> None:
    theirs = TENANT_DEALS["globex"][0]
    with service.client("key-acme") as http:
        listed = {d["id"] for d in http.get("/v1/deals").json()}
        record = http.get(f"/v1/deals/{theirs}")
        coached = http.post("/v1/next_best_action", json={"deal_id": theirs})
        streamed = http.post(
            "/v1/coach",
            json={"capability": "deal_strategy", "deal_id": theirs},
            headers={"Accept": "text/event-stream"},
        )
        path = http.get("/v1/deals/..%2F..%2Fglobex%2Fworkspace%2Fdeals%2FD-1008")
    assert listed == set(TENANT_DEALS["acme"])
    assert record.status_code == coached.status_code == 404
    assert "event: error" in streamed.text and theirs not in streamed.text.split("Deals there")[-1]
    assert "/tenants/" not in streamed.text and '"code":"not_found"' in streamed.text
    assert path.status_code in (400, 404)
    with service.client("key-globex") as http:
        assert http.get(f"/v1/deals/{theirs}").status_code == 200


def test_a_principal_reaches_only_its_own_deals(service: Service) -> None:
    with service.client("key-acme-priya") as http:
        listed = {d["id"] for d in http.get("/v1/deals").json()}
        other = http.post("/v1/next_best_action", json={"deal_id": "D-1001"})
        rep = http.post("/v1/performance_coaching", json={"rep_id": "rep-maya"})
    assert listed == {"D-1003", "D-1006"}  # rep-priya's deals in acme's workspace
    assert (
        other.status_code == 404
        and "D-1001" not in other.json()["error"]["message"].split("Deals there")[-1]
    )
    assert rep.status_code in (400, 404) and "rep-maya" in rep.text


def test_a_thread_name_opens_only_the_callers_own_conversation(service: Service) -> None:
    with service.client("key-acme") as http:
        made = http.post(
            "/v1/chat/shared-name", json={"message": "what next?", "deal_id": "D-1003"}
        )
        assert made.status_code == 200
        assert http.get("/v1/chat/shared-name").status_code == 200
    with service.client("key-globex") as http:
        assert http.get("/v1/chat/shared-name").status_code == 404
        turn = http.post("/v1/chat/shared-name", json={"message": "what next?"})
        assert "D-1003" not in turn.json()["answer"]
    with service.client("key-acme-priya") as http:  # same tenant, another principal
        assert http.get("/v1/chat/shared-name").status_code == 404
    with service.client("key-globex") as http:
        history = http.get("/v1/chat/shared-name").json()
    assert history["deal_id"] is None and len(history["messages"]) == 2


def test_a_chat_about_another_tenants_deal_is_not_found(service: Service) -> None:
    with service.client("key-acme") as http:
        got = http.post("/v1/chat/x", json={"message": "what next?", "deal_id": "D-1008"})
    assert got.status_code == 404


def test_a_tenants_knowledge_overlay_is_its_own(service: Service) -> None:
    query = {"q": "quokka freeze", "k": 3}
    with service.client("key-globex") as http:
        theirs = [p["doc_id"] for p in http.get("/v1/knowledge/search", params=query).json()]
    with service.client("key-acme") as http:
        ours = [p["doc_id"] for p in http.get("/v1/knowledge/search", params=query).json()]
    assert theirs[0] == "obj-globex-quokka-freeze" and "obj-globex-quokka-freeze" not in ours


def _inline(deal_id: str, new_id: str | None = None, owner: str | None = None) -> dict[str, Any]:
    return {"deal": inline_deal(SAMPLE_WORKSPACE, deal_id, new_id, owner)}


def test_an_inline_deal_is_the_principals_own_or_refused(service: Service) -> None:
    """A body carrying another rep's deal (its id, or a new id with that rep as owner) is
    refused: the id like an unknown deal (404), the owner naming it (400)."""
    with service.client("key-acme-priya") as http:
        taken = http.post("/v1/next_best_action", json=_inline("D-1001", owner="rep-priya"))
        unknown = http.post("/v1/next_best_action", json={"deal_id": "D-0000"})
        foreign = http.post("/v1/next_best_action", json=_inline("D-1001", new_id="D-9001"))
        own_new = http.post(
            "/v1/next_best_action", json=_inline("D-1001", new_id="D-9002", owner="rep-priya")
        )
        own = http.post("/v1/next_best_action", json=_inline("D-1003"))
    assert taken.status_code == unknown.status_code == 404
    said = taken.json()["error"]["message"].replace("D-1001", "X")
    assert said == unknown.json()["error"]["message"].replace("D-0000", "X")
    assert foreign.status_code == 400 and "rep-maya" in foreign.json()["error"]["message"]
    assert own_new.status_code == own.status_code == 200
    with service.client("key-acme") as http:  # the tenant's key, no principal: any inline deal
        assert http.post("/v1/next_best_action", json=_inline("D-1001")).status_code == 200
