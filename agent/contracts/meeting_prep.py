"""Typed results of meeting preparation: the pre-call brief and the meeting agenda."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract


class Attendee(Contract):
    person_id: str
    name: str
    title: str
    side: Literal["customer", "seller"]
    role: str
    engagement: str | None = None
    priorities: list[str] = Field(default_factory=list)
    tone: str | None = None
    value_message: str | None = None
    citations: list[str] = Field(default_factory=list)


class MeetingFrame(Contract):
    title: str
    date: dt.date | None
    duration_minutes: int
    objective: str
    attendees: list[Attendee]
    assumptions: list[str] = Field(
        default_factory=list, description="What was assumed because the request did not say."
    )


class Point(Contract):
    """One cited statement."""

    text: str
    citations: list[str] = Field(default_factory=list)


class PreCallBriefResult(Contract):
    kind: Literal["pre_call_brief"] = "pre_call_brief"
    meeting: MeetingFrame
    background: list[Point]
    challenges: list[Point]
    rest_of_dmu: list[Point]
    decision_criteria: list[Point]
    value_positioning: list[Point]
    questions: list[Point]
    conversation_flow: list[str]
    likely_concerns: list[Point]
    competitive: list[Point]
    proof_points: list[Point]
    value_summary: list[Point]
    follow_ups: list[Point]
    crib_sheet: list[str]
    citations: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)


class AgendaItem(Contract):
    minutes: int = Field(gt=0)
    topic: str
    purpose: str
    transition: str
    citations: list[str] = Field(default_factory=list)


class MeetingAgendaResult(Contract):
    kind: Literal["meeting_agenda"] = "meeting_agenda"
    meeting: MeetingFrame
    objectives: list[Point]
    opening: str
    agenda: list[AgendaItem]
    alternative_paths: list[Point]
    discovery_questions: list[Point]
    value_summary: list[Point]
    contingencies: list[Point]
    closing_statement: str
    materials: list[Point]
    customer_agenda: list[str] = Field(
        description="The agenda to send to the customer: no internal notes or coaching."
    )
    citations: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)
