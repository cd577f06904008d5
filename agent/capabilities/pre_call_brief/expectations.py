"""Eval keys for pre-call brief cases: the meeting frame's (common/meeting_expectations.py),
and the people the brief covers."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.common.meeting_expectations import MeetingExpectations
from agent.capabilities.expectations import Check, each_in


class PreCallBriefExpectations(MeetingExpectations):
    stakeholders_include: list[str] = Field(
        default_factory=list,
        description="People (by name) the brief covers: in the room or in the buying group.",
    )

    def required(self, result: Any) -> list[Check]:
        covered = {a.name for a in result.meeting.attendees}
        text = " ".join(p.text for p in result.rest_of_dmu)
        covered |= {n for n in self.stakeholders_include if n in text}
        return super().required(result) + each_in(
            self.stakeholders_include, covered, "the brief does not cover {}"
        )
