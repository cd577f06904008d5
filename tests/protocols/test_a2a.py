"""The coach as an A2A agent, driven by the SDK's own client against uvicorn on loopback: the
agent card, a message answered as a task, the same streamed (submitted, working, completed),
and failed tasks carrying the one message (a deal the caller may not reach, a bad field)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import anyio
import httpx
import pytest

from agent.capabilities.requests import answering
from agent.settings import CoachContext
from tests.protocols.conftest import free_port, in_thread

pytest.importorskip("a2a")

from a2a.client import ClientConfig, create_client  # noqa: E402
from a2a.helpers import get_data_parts, get_text_parts, new_data_part, new_text_part  # noqa: E402
from a2a.types import Message, Role, SendMessageRequest, TaskState  # noqa: E402


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Mounted under /a2a, as the HTTP service mounts it; the principal from a header, the
    memory and outbox the module's own."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from agent.interfaces.a2a.app import a2a_app
    from agent.interfaces.caller import with_named_principal

    state = tmp_path_factory.mktemp("a2a")
    base = replace(
        CoachContext.from_env(),
        memory=state / "memory.sqlite",
        outbox=state / "events.jsonl",
        win_model=None,
        principal=None,
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}/a2a"
    app = a2a_app(f"{url}/", lambda request: with_named_principal(base, request))
    host = Starlette(routes=[Mount("/a2a", app=app)])
    with in_thread(host, port):
        yield url


def _message(*parts: Any, skill: str | None = None) -> SendMessageRequest:
    message = Message(
        role=Role.ROLE_USER,
        message_id=uuid.uuid4().hex,
        parts=list(parts),
        metadata={"skill": skill} if skill else None,
    )
    return SendMessageRequest(message=message)


async def _send(
    url: str, request: SendMessageRequest, streaming: bool, principal: str | None = None
) -> list[Any]:
    headers = {"X-Coach-Principal": principal} if principal else {}
    async with httpx.AsyncClient(headers=headers, timeout=60) as http:
        config = ClientConfig(streaming=streaming, httpx_client=http)
        client = await create_client(url, client_config=config)
        return [event async for event in client.send_message(request)]


def test_the_card_lists_each_capability_as_a_skill(base_url: str) -> None:
    card = httpx.get(f"{base_url}/.well-known/agent-card.json").json()
    assert [s["id"] for s in card["skills"]] == [spec.name for spec in answering()]
    assert card["capabilities"]["streaming"] is True
    assert card["supportedInterfaces"][0]["url"] == f"{base_url}/"


def test_a_message_to_a_skill_completes_with_the_response(base_url: str) -> None:
    request = _message(new_text_part("what now on D-1003?"), skill="next_best_action")
    events = anyio.run(_send, base_url, request, False)
    task = events[-1].task
    assert task.status.state == TaskState.TASK_STATE_COMPLETED
    (artifact,) = task.artifacts
    (response,) = get_data_parts(artifact.parts)
    assert response["capability"] == "next_best_action" and response["deal_id"] == "D-1003"
    assert get_text_parts(artifact.parts) == [response["markdown"]]


def test_streaming_reports_each_task_state_and_each_node(base_url: str) -> None:
    from agent.graph import rep_graph
    from agent.interfaces.a2a.executor import progress_text

    request = _message(new_data_part({"rep_id": "rep-priya"}), skill="performance_coaching")
    events = anyio.run(_send, base_url, request, True)
    states = [e.task.status.state for e in events if e.HasField("task")]
    updates = [e.status_update for e in events if e.HasField("status_update")]
    states += [u.status.state for u in updates]
    working = TaskState.TASK_STATE_WORKING
    assert states[0] == TaskState.TASK_STATE_SUBMITTED
    assert states[-1] == TaskState.TASK_STATE_COMPLETED
    assert set(states[1:-1]) == {working} and len(states) > 4  # the start, then per node
    texts = [get_text_parts(u.status.message.parts)[0] for u in updates[1:-1]]
    node_of = {progress_text(n): n for n in rep_graph.nodes}
    ran = [node_of[t] for t in texts]  # every message names a node of the graph, in order
    (spec,) = [s for s in answering() if s.name == "performance_coaching"]
    assert ran[0] == "load_rep_context" and ran[-1] == "respond" and spec.node in ran
    kinds = [e.WhichOneof("payload") for e in events]
    assert kinds.index("artifact_update") > max(
        i for i, k in enumerate(kinds) if k == "status_update" and i < len(kinds) - 1
    )  # progress came while the run went on, before its result
    (update,) = [e.artifact_update for e in events if e.HasField("artifact_update")]
    assert get_data_parts(update.artifact.parts)[0]["rep_id"] == "rep-priya"


def _failure(events: list[Any]) -> str:
    task = events[-1].task
    assert task.status.state == TaskState.TASK_STATE_FAILED
    return "\n".join(get_text_parts(task.status.message.parts))


def test_a_deal_the_caller_may_not_reach_fails_with_the_message(base_url: str) -> None:
    request = _message(new_text_part("who should I engage on D-1003?"))  # rep-priya's deal
    text = _failure(anyio.run(_send, base_url, request, False, "rep-tom"))
    assert "no deal 'D-1003'" in text and "D-1004" in text


def test_a_bad_field_fails_with_the_one_message(base_url: str) -> None:
    request = _message(
        new_data_part({"deal_id": "D-1003", "as_of": "2026-02-30"}), skill="deal_strategy"
    )
    text = _failure(anyio.run(_send, base_url, request, False))
    assert text.startswith("deal_strategy: as_of:") and "2026-02-30" in text


def test_v0_3_message_send_is_answered(base_url: str) -> None:
    """Platforms on A2A 0.3 post `message/send` with `kind`-tagged parts."""
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "message/send",
        "params": {
            "message": {
                "kind": "message",
                "role": "user",
                "messageId": uuid.uuid4().hex,
                "parts": [{"kind": "text", "text": "process adherence on D-1005"}],
            }
        },
    }
    result = httpx.post(f"{base_url}/", json=body, timeout=60).json()["result"]
    assert result["status"]["state"] == "completed"
    assert result["artifacts"][0]["name"] == "process_adherence"


def test_a_run_past_its_deadline_fails_the_task(tmp_path: Any) -> None:
    """The service's per-run deadline holds over A2A too: the task fails with the message."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from agent.interfaces.a2a.app import a2a_app

    base = replace(CoachContext.from_env(), memory=None, outbox=tmp_path / "e.jsonl")
    port = free_port()
    url = f"http://127.0.0.1:{port}/a2a"
    app = a2a_app(f"{url}/", lambda request: base, timeout_s=1e-6)
    request = _message(new_text_part("what now on D-1003?"), skill="next_best_action")
    with in_thread(Starlette(routes=[Mount("/a2a", app=app)]), port):
        text = _failure(anyio.run(_send, url, request, False))
    assert "took longer than" in text


def test_a_text_message_names_a_deal_by_its_crm_s_own_id(sample_copy: Any) -> None:
    """An orchestrator writing "what next on 00400B1S?" to a skill names that deal: its id is
    found in the workspace the caller may see, whatever shape the CRM gives ids."""
    from agent.interfaces.a2a.executor import request_from
    from tests.conftest import rename_deal

    rename_deal(sample_copy, "D-1003", "00400B1S")
    ctx = replace(CoachContext.from_env(sample_copy), principal=None)
    text = new_text_part("What should I do next on 00400B1S?")
    request = request_from(_message(text, skill="next_best_action").message, ctx)
    assert request.deal_id == "00400B1S"
    from agent.errors import InvalidInput

    with pytest.raises(InvalidInput, match="deal_id"):  # a word that names no deal is none
        request_from(
            _message(new_text_part("next on 73914XQZ?"), skill="deal_strategy").message, ctx
        )
