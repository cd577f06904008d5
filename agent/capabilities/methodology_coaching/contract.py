"""Typed result of methodology coaching: a sales methodology explained through one deal.

Each coaching line carries its own citations, because a claim about the rep's work or about
why a step matters is only useful when the reader can open what it rests on.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract

# unknown: the input that would show the element is missing (asked for, not counted as a gap)
ElementStatus = Literal["supported", "partial", "gap", "unknown", "not_applicable"]


class CitedPoint(Contract):
    text: str
    citations: list[str] = Field(default_factory=list)


class ElementScore(Contract):
    element: str = Field(description="As the guide's questions-by-element heading spells it.")
    status: ElementStatus
    evidence: str = Field(description="What the deal shows, or why CRM evidence cannot judge it.")
    citations: list[str] = Field(default_factory=list)


class GapQuestions(Contract):
    element: str
    status: ElementStatus
    ask: str = Field(description="Who at the customer to ask, from the deal's contacts.")
    questions: list[str] = Field(description="The guide's questions for this element.")
    citations: list[str] = Field(default_factory=list)


class MethodologyCoachingResult(Contract):
    kind: Literal["methodology_coaching"] = "methodology_coaching"
    methodology: str
    guide_id: str
    summary: str = Field(description="From the guide's elements and when-it-fits sections.")
    scorecard: list[ElementScore]
    examples: list[CitedPoint]
    next_conversation: list[CitedPoint]
    buying_process_fit: list[CitedPoint]
    questions_per_gap: list[GapQuestions]
    present_and_close: list[CitedPoint]
    rep_feedback: list[CitedPoint]
    why_it_matters: list[CitedPoint]
    citations: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)


RESULT = MethodologyCoachingResult
