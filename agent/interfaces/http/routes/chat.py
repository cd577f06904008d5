"""Chat over HTTP: `POST /v1/chat/{thread}` is one turn of a conversation the caller names.

Threads live in the caller's tenant's own checkpoint file (or schema of the shared database:
agent/stores), under its principal's key, so a
thread name sent by another tenant or principal opens a different, empty conversation. With
`Accept: text/event-stream` the turn streams: `tool` (a capability or tool being run), `token`
(a model's words, online), `answer` (a whole answer, offline), `warning`, then `done`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import AfterValidator, BaseModel, Field

from agent.contracts.base import Contract, Id
from agent.contracts.principal import _NAME
from agent.errors import CoachError
from agent.intake import max_chars
from agent.interfaces.http.deps import ApiError, ContextDep
from agent.interfaces.http.routes.coach import SSE, error_event, event
from agent.interfaces.http.runs import steps
from agent.settings import CoachContext

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver

router = APIRouter(prefix="/v1", tags=["chat"])
Thread = Annotated[str, Path(pattern=_NAME.pattern, examples=["my-d1003-thread"])]


class ChatTurn(Contract):
    message: Annotated[str, Field(min_length=1), AfterValidator(max_chars("chat_message"))]
    deal_id: Id | None = Field(default=None, description="The deal a new thread is about.")
    rep_id: Id | None = Field(default=None, description="The rep a new thread is for.")
    new: bool = Field(default=False, description="Forget this thread first.")


class ChatAnswer(BaseModel):
    thread: str
    answer: str
    tools: list[str] = Field(default_factory=list)
    warning: str | None = None


def _turn(
    ctx: CoachContext, saver: BaseCheckpointSaver[Any], thread: str, turn: ChatTurn
) -> Iterator[tuple[str, str]]:
    from agent.chat.context import ChatContext
    from agent.chat.session import ChatSession
    from agent.model.factory import ModelSettings
    from tools.sources import workspace_source

    if turn.deal_id:  # an unknown or unreachable deal: 404, before anything is stored
        workspace_source(ctx.workspace, ctx.principal).get_deal(turn.deal_id)
    chat_ctx = ChatContext(coach=ctx, model=ModelSettings.load())
    session = ChatSession(
        chat_ctx,
        saver,
        deal_id=turn.deal_id,
        rep_id=turn.rep_id,
        thread=thread,
    )
    if turn.new:
        session.forget()
    for ev in session.ask(turn.message):
        yield ev.kind, ev.text


@router.post(
    "/chat/{thread}",
    response_model=ChatAnswer,
    summary="One chat turn",
    responses={200: {"content": {SSE: {"schema": {"type": "string"}}}}},
)
async def chat_turn(
    http: Request,
    thread: Thread,
    ctx: ContextDep,
    turn: Annotated[
        ChatTurn,
        Body(
            openapi_examples={"a deal": {"value": {"message": "what next?", "deal_id": "D-1003"}}}
        ),
    ],
) -> Response:
    saver = http.app.state.tenants.checkpointer(replace(ctx, principal=None))
    timeout = http.app.state.settings.timeout_s

    def start() -> Iterator[tuple[str, str]]:
        return _turn(ctx, saver, thread, turn)

    if SSE in http.headers.get("accept", ""):
        return StreamingResponse(_events(http, start, timeout), media_type=SSE)
    answer, tools, warning = "", [], None
    async for kind, text in steps(start, timeout, http.app.state.slots):
        if kind == "token":
            answer += text
        elif kind == "answer":
            answer += ("\n\n" if answer else "") + text
        elif kind == "tool":
            tools.append(text)
        else:
            warning = text
    body = ChatAnswer(thread=thread, answer=answer, tools=tools, warning=warning)
    return Response(body.model_dump_json(), media_type="application/json")


async def _events(
    http: Request, start: Callable[[], Iterator[tuple[str, str]]], timeout: float
) -> AsyncIterator[bytes]:
    try:
        async for kind, text in steps(start, timeout, http.app.state.slots):
            yield event(kind, json.dumps({"text": text}))
        yield event("done", "{}")
    except (ApiError, CoachError) as exc:
        yield error_event(http, exc)


class ChatLine(BaseModel):
    role: str
    text: str


class ChatHistory(BaseModel):
    thread: str
    deal_id: str | None = None
    messages: list[ChatLine]


@router.get(
    "/chat/{thread}",
    response_model=ChatHistory,
    summary="A thread's conversation so far",
    responses={404: {"description": "No such thread for this caller"}},
)
async def chat_history(http: Request, thread: Thread, ctx: ContextDep) -> ChatHistory:
    """The caller's own thread: the same name under another key is another conversation."""
    from fastapi.concurrency import run_in_threadpool

    from agent.chat.context import ChatContext
    from agent.chat.session import ChatSession

    saver = http.app.state.tenants.checkpointer(replace(ctx, principal=None))

    def read() -> dict[str, Any]:
        return ChatSession(ChatContext(coach=ctx), saver, thread=thread).values

    values = await run_in_threadpool(read)
    lines = [
        ChatLine(role=m.type, text=m.text)
        for m in values.get("messages", [])
        if m.type in ("human", "ai") and m.text
    ]
    if not lines:
        raise ApiError(404, "not_found", f"no chat thread '{thread}'. Start it with a POST")
    return ChatHistory(thread=thread, deal_id=values.get("deal_id"), messages=lines)
