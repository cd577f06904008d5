"""The A2A (Agent2Agent) form of an upstream call: one JSON-RPC 2.0 `message/send` whose
message carries a data part naming the deal and the section; the section is the first data
part of the answer (a completed task's artifacts, or a message's parts).

Only that much of A2A: no streaming, no push notifications, no agent-card discovery. An
answer in any other shape is an invalid answer, like a body that breaks the contract.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

METHOD = "message/send"
# A2A task states: named in a reason only when it is one of these (never the agent's own text).
TASK_STATES = frozenset(
    {"submitted", "working", "input-required", "failed", "canceled", "rejected", "auth-required"}
)


def request_body(deal_id: str, section: str) -> bytes:
    message = {
        "kind": "message",
        "role": "user",
        "messageId": str(uuid.uuid4()),
        "parts": [{"kind": "data", "data": {"deal_id": deal_id, "section": section}}],
    }
    call = {
        "jsonrpc": "2.0",
        "id": str(uuid.uuid4()),
        "method": METHOD,
        "params": {"message": message},
    }
    return json.dumps(call).encode()


def section_data(answer: Any) -> tuple[Any, str | None]:
    """The section object from a JSON-RPC answer, or None and why not. The agent's own error
    message is not quoted (it is the agent's text); its code is."""
    if not isinstance(answer, dict):
        return None, "not a JSON-RPC answer"
    if "error" in answer:
        error = answer["error"]
        code = error.get("code") if isinstance(error, dict) else None
        return None, f"the agent answered JSON-RPC error {code if isinstance(code, int) else '?'}"
    result = answer.get("result")
    if not isinstance(result, dict):
        return None, "no result in the JSON-RPC answer"
    if result.get("kind") == "task":
        status = result.get("status")
        state = status.get("state") if isinstance(status, dict) else None
        if state != "completed":
            shown = state if state in TASK_STATES else "unknown"
            return None, f"the agent's task is {shown}, not completed"
        artifacts = result.get("artifacts")
        parts = [
            p
            for a in (artifacts if isinstance(artifacts, list) else [])
            if isinstance(a, dict) and isinstance(a.get("parts"), list)
            for p in a["parts"]
        ]
    elif result.get("kind") == "message":
        given = result.get("parts")
        parts = given if isinstance(given, list) else []
    else:
        return None, "the result is neither a task nor a message"
    for part in parts:
        if (
            isinstance(part, dict)
            and part.get("kind") == "data"
            and isinstance(part.get("data"), dict)
        ):
            return part["data"], None
    return None, "no data part in the answer"
