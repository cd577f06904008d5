"""Live assist over a WebSocket: a meeting session at `/v1/live/{session}?deal_id=D-1003`.

The engine (agent/capabilities/live_assist/engine.py, the one `coach live` replays) is built
once when the session opens, from the caller's tenant's deal and knowledge. Then each message
in is one utterance as the transcriber produced it, and each message out answers it at once:

    -> {"speaker": "Dana Cole", "text": "Helixor is 30% cheaper", "start_s": 312.5}
    <- {"type": "cards", "index": 7, "cards": [CueCard, ...], "warnings": []}

`{"type": "end"}` (or closing) ends the meeting; the server answers with a summary. Errors are
one `{"type": "error", "code", "message"}` message; a bad key or an unknown deal also closes.
A browser cannot set headers on a WebSocket: the key may come as `?api_key=` there.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator, Field, ValidationError

from agent.contracts.base import Contract
from agent.contracts.conversation import Transcript, Utterance
from agent.errors import CoachError, describe_validation_error
from agent.intake import LIMITS, max_chars
from agent.interfaces.http.deps import ApiError, caller, coach_context
from agent.interfaces.http.errors import failure
from agent.settings import CoachContext

router = APIRouter(prefix="/v1", tags=["live assist"])


class Heard(Contract):
    """One utterance as the transcriber produced it."""

    speaker: str = Field(min_length=1, max_length=200)
    text: Annotated[str, AfterValidator(max_chars("chat_message"))]
    start_s: float | None = Field(default=None, ge=0)
    end_s: float | None = Field(default=None, ge=0)


class Meeting:
    """One meeting's engine and where it is: speakers mapped once per label."""

    def __init__(self, ctx: CoachContext, deal_id: str) -> None:
        from agent.analysis import analyze_deal
        from agent.capabilities.live_assist.engine import LiveAssist
        from agent.retrieval import index_for
        from tools.deal_ids import check_deal_id
        from tools.sources import workspace_source

        source = workspace_source(ctx.workspace, ctx.principal)
        self.deal = source.load_context(check_deal_id(deal_id, "deal_id"))
        analysis = analyze_deal(self.deal, source.as_of or dt.date.today())
        self.engine = LiveAssist(self.deal, analysis, index_for(ctx))
        self.people: dict[str, dict[str, Any]] = {}
        self.count = 0

    def _who(self, speaker: str) -> dict[str, Any]:
        if speaker not in self.people:
            from agent.reading.speaker_mapping import map_speakers

            one = Transcript(
                source="live",
                format="plain",
                utterances=[Utterance(index=0, speaker=speaker, text="")],
            )
            mapped = map_speakers(one, self.deal.deal).utterances[0]
            self.people[speaker] = {"person_id": mapped.person_id, "side": mapped.side}
        return self.people[speaker]

    def feed(self, heard: Heard) -> dict[str, Any]:
        from agent.sanitise import clean

        if self.count >= LIMITS.utterances:
            raise CoachError(
                f"more than {LIMITS.utterances} utterances in one meeting",
                where="live session",
                fix="Start a new session",
            )
        index = self.count
        self.count += 1
        utterance = Utterance(index=index, **heard.model_dump(), **self._who(heard.speaker))
        before = len(self.engine.suspected)
        cards = [clean(card) for card in self.engine.feed(utterance)]
        warnings = [s.message() for s in self.engine.suspected[before:]]
        return {
            "type": "cards",
            "index": index,
            "cards": [c.model_dump(mode="json") for c in cards],
            "warnings": warnings,
        }


@router.websocket("/live/{session}")
async def live_session(ws: WebSocket, session: str, deal_id: str) -> None:
    await ws.accept()
    try:
        who = caller(ws)
        ctx = coach_context(ws, who)
        meeting = await run_in_threadpool(Meeting, ctx, deal_id)
    except (ApiError, CoachError) as exc:
        body = failure(ws, exc)[1]
        await ws.send_json({"type": "error", **body.model_dump(exclude_none=True)})
        await ws.close(code=1008)
        return
    await ws.send_json({"type": "ready", "session": session[:64], "deal_id": meeting.deal.deal.id})
    try:
        while True:
            raw = await ws.receive_text()
            try:
                data = json.loads(raw)
                if isinstance(data, dict) and data.get("type") == "end":
                    break
                await ws.send_json(meeting.feed(Heard.model_validate(data)))
            except ValidationError as exc:
                message = describe_validation_error(exc.errors())
                await ws.send_json({"type": "error", "code": "invalid_input", "message": message})
            except (ValueError, CoachError) as exc:
                await ws.send_json({"type": "error", "code": "invalid_input", "message": str(exc)})
    except WebSocketDisconnect:
        return
    cards = len(meeting.engine.cards)
    await ws.send_json({"type": "summary", "utterances": meeting.count, "cards": cards})
    await ws.close()
