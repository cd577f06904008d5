"""Typed result of the pre-call brief."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.meeting_prep import MeetingFrame, Point


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


RESULT = PreCallBriefResult
