"""Eval keys both meeting capabilities share (pre-call brief, meeting agenda)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in


class MeetingExpectations(Expectations):
    assumptions_flagged: bool | None = Field(
        default=None, description="True: the meeting frame must record assumptions."
    )
    attendees_include: list[str] = Field(
        default_factory=list, description="Person ids the meeting frame must list."
    )

    def required(self, result: Any) -> list[Check]:
        checks: list[Check] = []
        if self.assumptions_flagged is not None:
            flagged = bool(result.meeting.assumptions)
            checks.append(
                (
                    flagged == self.assumptions_flagged,
                    f"assumptions flagged: {result.meeting.assumptions or 'none'}",
                )
            )
        people = {a.person_id for a in result.meeting.attendees}
        return checks + each_in(self.attendees_include, people, "{} not among the attendees")
