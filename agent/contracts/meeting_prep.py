"""Shapes meeting preparation shares: the meeting frame, its attendees, cited points and agenda
items (the brief and the agenda declare their results in their own folders)."""

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


class AgendaItem(Contract):
    minutes: int = Field(gt=0)
    topic: str
    purpose: str
    transition: str
    citations: list[str] = Field(default_factory=list)
