"""Typed result of process adherence monitoring."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.events import ProcessImprovementInsight

# unknown: the evidence the step needs comes from an input that is missing (not proof of a miss)
StepStatus = Literal["done", "open", "missed", "waived", "optional_skipped", "manual", "unknown"]


class StepCheck(Contract):
    stage: str
    step_id: str
    kind: Literal["exit_criterion", "required_activity"]
    description: str
    status: StepStatus
    evidence: str
    reason: str | None = Field(default=None, description="Recorded reason for a deviation.")
    why_it_matters: str | None = None
    correction: str | None = None
    citations: list[str] = Field(default_factory=list)


class OutcomeLink(Contract):
    """Historical win rate with and without a step, from the analytics agent."""

    step_id: str
    win_rate_with: float
    win_rate_without: float
    sample: int
    citations: list[str]


class RepPattern(Contract):
    rep_id: str
    rep_name: str
    deals: int
    adherence: float = Field(ge=0, le=1)
    often_missed: list[str] = Field(description="Steps missed in at least half of the deals.")
    deal_ids: list[str]


class ProcessAdherenceResult(Contract):
    kind: Literal["process_adherence"] = "process_adherence"
    process: str
    process_source: Literal["deal", "knowledge_default"]
    stage: str
    score: float = Field(ge=0, le=1, description="Share of checkable steps done or waived.")
    steps: list[StepCheck]
    skipped_stages: list[str]
    flexibility: list[str] = Field(description="Deviations that are legitimate, and why.")
    corrections: list[str] = Field(description="What to fix before moving on, in order.")
    outcomes: list[OutcomeLink] = Field(default_factory=list)
    rep_pattern: RepPattern | None = None
    coaching_focus: list[str]
    insight: ProcessImprovementInsight
    citations: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)


RESULT = ProcessAdherenceResult
