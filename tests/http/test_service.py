"""The HTTP API against a real server on loopback: capabilities, streams, deals, knowledge,
chat, errors in the CLI's words."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from agent.capabilities.registry import registry
from agent.contracts.response import CoachingResponse
from tests.http.conftest import Service


def sse(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_a_typed_capability_route_answers_for_its_deal_with_a_request_id(service: Service) -> None:
    with service.client("key-acme") as http:
        got = http.post("/v1/stakeholder_strategy", json={"deal_id": "D-1003"})
    assert got.status_code == 200, got.text
    response = CoachingResponse.model_validate_json(got.content)
    assert (response.capability, response.deal_id) == ("stakeholder_strategy", "D-1003")
    assert response.citations and got.headers["x-request-id"]


def test_the_callers_request_id_is_kept(service: Service) -> None:
    with service.client("key-acme") as http:
        got = http.get("/v1/deals", headers={"X-Request-ID": "orch-42.step-3"})
    assert got.headers["x-request-id"] == "orch-42.step-3"


def test_every_capability_of_the_registry_has_its_route_in_openapi(service: Service) -> None:
    with service.client() as http:
        spec = http.get("/openapi.json").json()
    answering = [n for n, c in registry().items() if c.draft is not None]
    assert answering and all(f"/v1/{name}" in spec["paths"] for name in answering)
    body = spec["paths"]["/v1/objection_guide"]["post"]["requestBody"]["content"]
    schema = spec["components"]["schemas"][
        body["application/json"]["schema"]["$ref"].split("/")[-1]
    ]
    assert "message" in schema["properties"] and "transcript" not in schema["properties"]
    coach = spec["paths"]["/v1/coach"]["post"]["requestBody"]["content"]["application/json"]
    assert coach["schema"]["$ref"].endswith("/CoachingRequest") and coach["examples"]


def test_sse_streams_node_progress_then_the_response(service: Service) -> None:
    request = {"capability": "objection_guide", "deal_id": "D-1002", "message": "too expensive"}
    with service.client("key-acme", headers={"Accept": "text/event-stream"}) as http:
        got = http.post("/v1/coach", json=request)
    assert got.headers["content-type"].startswith("text/event-stream")
    events = sse(got.text)
    nodes = [data["node"] for kind, data in events if kind == "progress"]
    assert nodes[0] == "load_context" and "guide_objections" in nodes and nodes[-1] == "respond"
    kind, data = events[-1]
    assert kind == "response" and data["deal_id"] == "D-1002"
    assert data["result"]["typed_objection"] == "too expensive"


def test_deals_knowledge_and_one_deal(service: Service) -> None:
    with service.client("key-acme") as http:
        listed = [d["id"] for d in http.get("/v1/deals").json()]
        one = http.get("/v1/deals/D-1006").json()
        found = http.get("/v1/knowledge/search", params={"q": "no budget", "k": 3}).json()
    assert listed == ["D-1001", "D-1002", "D-1003", "D-1006"]
    assert one["deal"]["id"] == "D-1006"
    assert len(found) == 3 and all(p["ref"].startswith("kb:") for p in found)


def test_a_chat_turn_answers_and_streams_with_its_tools(service: Service) -> None:
    with service.client("key-acme") as http:
        first = http.post(
            "/v1/chat/pipeline", json={"message": "who should I engage?", "deal_id": "D-1003"}
        )
        streamed = http.post(
            "/v1/chat/pipeline",
            json={"message": "am I missing process steps?"},
            headers={"Accept": "text/event-stream"},
        )
        history = http.get("/v1/chat/pipeline").json()
    assert first.status_code == 200, first.text
    assert first.json()["tools"] == ["stakeholder_strategy"] and "D-1003" in first.json()["answer"]
    kinds = [kind for kind, _ in sse(streamed.text)]
    assert "answer" in kinds and "tool" in kinds and kinds[-1] == "done"
    assert history["deal_id"] == "D-1003"
    assert [m["role"] for m in history["messages"]] == ["human", "ai", "human", "ai"]


def test_bad_input_is_the_clis_one_message(service: Service, tmp_path: Any) -> None:
    from agent.interfaces.cli.app import app

    payload = {
        "capability": "objection_guide",
        "deal_id": "D-1002",
        "meeting": {"duration_minutes": -5},
    }
    with service.client("key-acme") as http:
        got = http.post("/v1/coach", json=payload)
    assert got.status_code == 400
    message = got.json()["error"]["message"]
    assert "meeting.duration_minutes" in message and "Traceback" not in got.text
    path = tmp_path / "request.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    cli = CliRunner().invoke(app, ["request", str(path)])
    assert cli.exit_code == 2 and message in " ".join(cli.output.split())


def test_unknown_deal_capability_and_typed_field_errors(service: Service) -> None:
    with service.client("key-acme") as http:
        missing = http.post("/v1/next_best_action", json={"deal_id": "D-4040"})
        unknown = http.post("/v1/coach", json={"capability": "telepathy", "deal_id": "D-1003"})
        extra = http.post("/v1/next_best_action", json={"deal_id": "D-1003", "message": "hi"})
        not_json = http.post(
            "/v1/coach", content=b"{nope", headers={"content-type": "application/json"}
        )
    assert missing.status_code == 404 and "no deal 'D-4040'" in missing.json()["error"]["message"]
    assert "/tenants/" not in missing.text  # the server's folders are not the tenant's business
    assert unknown.status_code == 404 and "unknown capability 'telepathy'" in unknown.text
    assert extra.status_code == 422 and "message: Extra inputs" in extra.json()["error"]["message"]
    assert not_json.status_code == 422 and "Traceback" not in not_json.text


def test_health_and_readiness(service: Service) -> None:
    with service.client() as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        ready = http.get("/readyz")
    assert ready.status_code == 200
    tenants = ready.json()["tenants"]
    assert set(tenants) == {"acme", "globex"}
    assert all(t["stores"] == "ok" and t["sections"] > 0 for t in tenants.values())


def test_serve_refuses_other_hosts_without_keys() -> None:
    from agent.interfaces.cli.app import app

    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"], env={"COACH_API_KEYS": ""})
    assert result.exit_code == 2 and "loopback only" in " ".join(result.output.split())


def test_the_local_mode_needs_no_key(local_service: Service) -> None:
    with local_service.client() as http:
        got = http.post("/v1/coach", json={"capability": "next_best_action", "deal_id": "D-1011"})
    assert got.status_code == 200 and got.json()["deal_id"] == "D-1011"


def test_every_log_line_of_a_request_carries_its_request_id(service: Service) -> None:
    import logging
    import time

    from agent.log import fields_of

    seen: list[tuple[str, Any]] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:  # in the thread that logs
            seen.append((record.name, fields_of(record).get("request_id")))

    root, catch = logging.getLogger(), Catch(logging.INFO)
    levels = {n: logging.getLogger(n).level for n in ("agent", "tools")}
    root.addHandler(catch)
    for name in levels:
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        with service.client("key-acme", headers={"X-Request-ID": "trace-me-7"}) as http:
            assert http.post("/v1/next_best_action", json={"deal_id": "D-1003"}).status_code == 200
        deadline = time.monotonic() + 5  # the access line follows the last byte sent
        while not any(n.endswith(".access") and r == "trace-me-7" for n, r in seen):
            assert time.monotonic() < deadline, seen
            time.sleep(0.02)
    finally:
        root.removeHandler(catch)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    ours = [(name, rid) for name, rid in seen if rid == "trace-me-7"]
    assert {name for name, _ in ours} >= {"agent.interfaces.http.access", "agent.nodes.respond"}


def test_new_key_prints_a_key_and_only_its_hash() -> None:
    from agent.interfaces.cli.app import app
    from agent.interfaces.http.config import hash_key

    result = CliRunner().invoke(app, ["serve", "--new-key", "acme"])
    key = result.output.split("not stored): ", 1)[1].split()[0]
    assert result.exit_code == 0 and f"sha256: {hash_key(key)}, tenant: acme" in result.output


def test_a_rep_s_key_opens_a_chat_about_that_rep_s_own_deals(service: Service) -> None:
    """A thread opened with a rep's key and no rep_id is that rep's: "my deals" are theirs,
    not a question of whose."""
    with service.client("key-acme-priya") as http:
        turn = http.post("/v1/chat/mine", json={"message": "how am I doing across my deals?"})
    assert turn.status_code == 200, turn.text
    assert turn.json()["tools"] == ["performance_coaching"]
    assert "rep-priya" in turn.json()["answer"]
