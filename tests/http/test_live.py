"""A live-assist meeting over a WebSocket: utterances in, cue cards out, per utterance."""

from __future__ import annotations

import json

from websockets.sync.client import connect

from tests.http.conftest import Service


def _ws(service: Service, path: str, key: str = "key-acme") -> str:
    return service.url.replace("http://", "ws://") + f"{path}?api_key={key}"


def test_a_meeting_answers_each_utterance_and_cards_the_competitor(service: Service) -> None:
    with connect(_ws(service, "/v1/live/m1") + "&deal_id=D-1003") as ws:
        ready = json.loads(ws.recv())
        replies = []
        for speaker, text in [
            ("Owen Marchetti", "Works for me."),
            ("Bethany Cole", "I have Helixor's quote at about $410k sitting on my desk."),
        ]:
            ws.send(json.dumps({"speaker": speaker, "text": text}))
            replies.append(json.loads(ws.recv()))
        ws.send("{not json")
        bad = json.loads(ws.recv())
        ws.send(json.dumps({"type": "end"}))
        summary = json.loads(ws.recv())
    assert ready == {"type": "ready", "session": "m1", "deal_id": "D-1003"}
    assert [r["index"] for r in replies] == [0, 1] and replies[0]["cards"] == []
    kinds = [c["kind"] for c in replies[1]["cards"]]
    assert kinds and kinds[0] in ("competitor", "pricing", "objection")
    assert all(c["citations"] and c["utterance_index"] == 1 for c in replies[1]["cards"])
    assert bad["type"] == "error" and bad["code"] == "invalid_input"
    assert summary == {"type": "summary", "utterances": 2, "cards": len(kinds)}


def test_a_meeting_on_another_tenants_deal_or_without_a_key_is_refused(service: Service) -> None:
    with connect(_ws(service, "/v1/live/m2") + "&deal_id=D-1008") as ws:
        theirs = json.loads(ws.recv())
    with connect(_ws(service, "/v1/live/m3", key="nope") + "&deal_id=D-1003") as ws:
        keyless = json.loads(ws.recv())
    assert theirs["code"] == "not_found" and "tenants" not in theirs["message"]
    assert keyless["code"] == "unauthorized"
