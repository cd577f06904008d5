"""How an A2A message becomes a coaching run, and the run a task: submitted, working (then one
more "working" status per graph node as it finishes, its name in the message: the same progress
the HTTP service streams, agent.service.stream), then completed with one artifact (the markdown
and the CoachingResponse as data) or failed with the one message the CLI would print.

A message may carry a data part with a whole CoachingRequest (it names its `capability`), or
ask a skill (`metadata.skill`, a capability's name) with that capability's typed request as a
data part and/or in words; words alone go to the router, as `coach request` with only a
message does. The deal (or rep) may be named in the words ("… on D-1003")."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

from a2a.helpers import (
    get_data_parts,
    get_text_parts,
    new_data_part,
    new_task,
    new_text_part,
)
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.routes import DefaultServerCallContextBuilder
from a2a.server.tasks import TaskUpdater
from a2a.types import Message, TaskState
from google.protobuf.json_format import MessageToDict
from starlette.requests import Request

from agent.capabilities.requests import answering, capability_request
from agent.contracts.request import CoachingRequest, parse_request
from agent.errors import CoachError
from agent.interfaces.a2a.card import JSON, MARKDOWN
from agent.interfaces.caller import ContextFor
from agent.interfaces.http.config import DEFAULT_TIMEOUT_S
from agent.interfaces.http.deps import ApiError
from agent.interfaces.http.runs import steps
from agent.routing.message_slots import Slots, extract_slots
from agent.settings import CoachContext

SETTINGS = "coach_settings"  # the call context's key for the caller's settings


class CallerContextBuilder(DefaultServerCallContextBuilder):
    """Keeps how to get the caller's settings with each call; resolved inside the task, so a
    bad principal header fails the task with its message rather than the HTTP request."""

    def __init__(self, context_for: ContextFor) -> None:
        self.context_for = context_for

    def build(self, request: Request) -> Any:
        call = super().build(request)
        call.state[SETTINGS] = lambda: self.context_for(request)
        return call


def _slots(text: str, ctx: CoachContext) -> Slots:
    """The text's slots; a deal named by its CRM's own id ("00400B1S") is found in the
    workspace the caller may see, as the chat finds it (WorkspaceSource.deal_named)."""
    from tools.sources import workspace_source

    deals = workspace_source(ctx.workspace, ctx.principal) if ctx.workspace.is_dir() else None
    return extract_slots(text, deals)


def request_from(message: Message, ctx: CoachContext) -> CoachingRequest:
    meta = MessageToDict(message.metadata) if message.HasField("metadata") else {}
    data = next((d for d in get_data_parts(message.parts) if isinstance(d, dict)), {})
    text = "\n".join(get_text_parts(message.parts)).strip()
    skill = meta.get("skill")
    specs = {spec.name: spec for spec in answering()}
    if isinstance(skill, str) and skill in specs and "capability" not in data:
        spec = specs[skill]
        slots = _slots(text, ctx)
        words: dict[str, Any] = (
            {"rep_id": slots.rep_id} if spec.scope == "rep" else {"deal_id": slots.deal_id}
        )
        if "message" in spec.uses and text:
            words["message"] = slots.objection or text
        if "methodology" in spec.uses and slots.methodology:
            words["methodology"] = slots.methodology
        given = {k: v for k, v in words.items() if v is not None}
        return capability_request(spec, {**given, **data}, ctx)
    payload: dict[str, Any] = dict(data)
    if text:
        slots = _slots(text, ctx)
        payload.setdefault("message", text)
        if slots.deal_id and "deal" not in payload:
            payload.setdefault("deal_id", slots.deal_id)
        if slots.rep_id:
            payload.setdefault("rep_id", slots.rep_id)
    if isinstance(skill, str):
        payload.setdefault("capability", skill)
    return parse_request(payload, where="message")


def progress_text(node: str) -> str:
    """The status message for one finished graph node (its name, as the HTTP stream has it)."""
    return f"{node}: done"


class CoachExecutor(AgentExecutor):
    """Runs each task step by step in a worker (agent/interfaces/http/runs.py): a run past
    `timeout_s` fails its task and stops before its next node, and `slots` (the service's)
    bounds the runs going on at once across HTTP, MCP and A2A."""

    def __init__(
        self, timeout_s: float = DEFAULT_TIMEOUT_S, slots: asyncio.Semaphore | None = None
    ) -> None:
        self.timeout_s, self.slots = timeout_s, slots

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        message = context.message
        assert message is not None and context.task_id and context.context_id
        updater = TaskUpdater(event_queue, context.task_id, context.context_id)
        if context.current_task is None:
            await event_queue.enqueue_event(
                new_task(
                    context.task_id,
                    context.context_id,
                    TaskState.TASK_STATE_SUBMITTED,
                    [],
                    [message],
                )
            )
        say = updater.new_agent_message
        await updater.start_work(say([new_text_part("reading the deal and the knowledge")]))
        try:
            settings_for: Callable[[], CoachContext] = context.call_context.state[SETTINGS]
            ctx = settings_for()
            request = request_from(message, ctx)
            response: Any = None
            async for kind, value in steps(
                lambda: _stream(request, ctx), self.timeout_s, self.slots
            ):
                if kind == "progress":
                    working = TaskState.TASK_STATE_WORKING
                    await updater.update_status(working, say([new_text_part(progress_text(value))]))
                else:
                    response = value
        except (CoachError, ApiError) as exc:
            await updater.failed(say([new_text_part(str(exc))]))
            return
        assert response is not None, "the run ended without a response"
        await updater.add_artifact(
            [
                new_text_part(response.markdown, MARKDOWN),
                new_data_part(response.model_dump(mode="json"), JSON),
            ],
            name=response.capability,
        )
        await updater.complete()

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """A run is not interrupted midway (it takes well under a second); the task is marked
        canceled so the caller stops waiting."""
        assert context.task_id and context.context_id
        await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()


def _stream(request: CoachingRequest, ctx: CoachContext) -> Iterator[tuple[str, Any]]:
    from agent.service import stream

    return stream(request, ctx)
