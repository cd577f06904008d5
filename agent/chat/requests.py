"""From a chat turn to a capability's answer: build the typed request, run it through the
same service every front end uses, and say the result compactly with its citations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from agent.capabilities.registry import capability as registry_capability
from agent.contracts.request import CoachingRequest
from agent.contracts.response import CoachingResponse
from agent.errors import InvalidInput
from agent.routing.message_slots import Slots
from agent.settings import CoachContext


def build_request(
    capability: str,
    ctx: CoachContext,
    *,
    deal_id: str | None = None,
    rep_id: str | None = None,
    message: str | None = None,
    methodology: str | None = None,
    minutes: int | None = None,
    objective: str | None = None,
    attendees: list[str] | None = None,
    date: dt.date | None = None,
) -> CoachingRequest:
    """Whatever a capability needs that the chat can supply: the fields it reads, what its
    `prepare` finds in the workspace (a debrief's newest transcript), and the deal owner as the
    rep for rep-level coaching when no rep was named."""
    spec = registry_capability(capability)
    payload: dict[str, Any] = {"capability": capability}
    if spec.scope == "rep":
        payload["rep_id"] = rep_id or _owner(ctx, deal_id)
        return CoachingRequest.model_validate(payload)
    if not deal_id:
        raise InvalidInput("which deal?", fix="Name one, e.g. 'D-1003' (`coach deals` lists them)")
    payload.update(deal_id=deal_id, rep_id=rep_id)
    if "message" in spec.uses and message:
        payload["message"] = message
    if "methodology" in spec.uses and methodology:
        payload["methodology"] = methodology
    if "meeting" in spec.uses and (minutes or objective or attendees or date):
        payload["meeting"] = {
            "duration_minutes": minutes,
            "objective": objective,
            "attendees": attendees or [],
            "date": date,
        }
    if spec.prepare is not None:
        payload = spec.prepare(payload, ctx)
    return CoachingRequest.model_validate(payload)


def meeting_slots(
    capability: str, slots: Slots, deal_id: str | None, ctx: CoachContext
) -> dict[str, Any]:
    """ "My call with the CFO tomorrow": the deal's contacts named (by name or role) attend, on
    the date meant, relative to the workspace's today. Someone not on the deal is an error
    naming the deals they are on (agent/chat/people.py)."""
    if "meeting" not in registry_capability(capability).uses or not deal_id:
        return {}
    from agent.chat.people import on_date, resolve
    from tools.sources import workspace_source

    source = workspace_source(ctx.workspace, ctx.principal)
    found: dict[str, Any] = {}
    if slots.person:
        contacts = resolve(slots.person, source.get_deal(deal_id), source)
        found["attendees"] = [c.id for c in contacts]
    if slots.when and (day := on_date(slots.when, source.as_of or dt.date.today())):
        found["date"] = day
    return found


def _owner(ctx: CoachContext, deal_id: str | None) -> str:
    if not deal_id:
        raise InvalidInput(
            "performance coaching is about a rep: which one?",
            fix="Name one, e.g. 'rep-priya', or start the chat with --rep",
        )
    from tools.sources import workspace_source

    return workspace_source(ctx.workspace, ctx.principal).get_deal(deal_id).owner.id


def coach_on(request: CoachingRequest, ctx: CoachContext) -> CoachingResponse:
    from agent.service import coach

    return coach(request, ctx)


def notes(response: CoachingResponse) -> list[str]:
    """Warnings worth a reader's attention (missing inputs are already in the markdown)."""
    return [w.message for w in response.warnings if w.code != "missing_input"]


def as_tool_output(response: CoachingResponse, limit: int = 6000) -> str:
    """What a tool-calling model reads: the markdown (shortened), citations and warnings,
    fenced as data so nothing in a deal record reads as an instruction."""
    body = response.markdown
    if len(body) > limit:
        body = body[:limit].rsplit("\n", 1)[0] + "\n… (shortened)"
    refs = ", ".join(c.ref for c in response.citations[:40])
    warned = "; ".join(notes(response)) or "none"
    subject = response.deal_id or response.rep_id or ""
    return (
        f'<data capability="{response.capability}" subject="{subject}">\n{body}\n</data>\n'
        f"citations: {refs}\nwarnings: {warned}"
    )
