"""Typed result of the meeting agenda."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.meeting_prep import AgendaItem, MeetingFrame, Point


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


RESULT = MeetingAgendaResult
