"""Typed result of performance coaching: one rep across their deals and coaching history."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.events import CoachingEffectiveness

ProgressStatus = Literal["followed", "not_followed", "too_early"]
Outcome = Literal["won", "lost", "advanced", "no_change", "open"]


class Pattern(Contract):
    """Something that recurs across the rep's deals or calls, or sets them apart from the team."""

    id: str
    label: str
    detail: str
    count: int = Field(ge=0, description="Deals (or calls) it shows in.")
    out_of: int = Field(ge=0)
    deal_ids: list[str] = Field(default_factory=list)
    skill: str | None = Field(default=None, description="The knowledge skill that builds it.")
    citations: list[str]


class Strength(Contract):
    skill: str | None = None
    statement: str
    citations: list[str]


class RoleModel(Contract):
    """A peer the analytics names as the top performer for a skill; never anyone else."""

    rep_id: str
    name: str
    metric: str
    suggestion: str
    citations: list[str]


class FocusArea(Contract):
    skill: str
    title: str
    priority: float = Field(ge=0, description="Gap times impact; higher first.")
    why: list[str]
    exercises: list[str]
    resources: list[str]
    role_models: list[RoleModel] = Field(default_factory=list)
    citations: list[str]


class PlanItem(Contract):
    week: int = Field(ge=1)
    starts: dt.date
    activity: str
    skill: str | None = None
    citations: list[str] = Field(default_factory=list)


class Commitment(Contract):
    what: str
    due: dt.date
    measure: str
    citations: list[str] = Field(default_factory=list)


class Progress(Contract):
    """One earlier recommendation against the deal record now."""

    deal_id: str
    capability: str
    given_on: dt.date
    title: str
    due: dt.date | None
    status: ProgressStatus
    outcome: Outcome
    evidence: str
    citations: list[str]


class OutcomeLink(Contract):
    statement: str
    citations: list[str]


class ManagerGuide(Contract):
    agenda: list[str]
    questions: list[str]
    recognise: list[str]
    agree: list[str]
    citations: list[str] = Field(default_factory=list)


class PerformanceCoachingResult(Contract):
    kind: Literal["performance_coaching"] = "performance_coaching"
    rep_id: str
    rep_name: str
    period: str | None = None
    deal_ids: list[str]
    win_rate: float | None = Field(default=None, ge=0, le=1)
    team_win_rate: float | None = Field(default=None, ge=0, le=1)
    patterns: list[Pattern]
    strengths: list[Strength]
    focus_areas: list[FocusArea]
    plan: list[PlanItem]
    commitments: list[Commitment]
    progress: list[Progress]
    outcomes: list[OutcomeLink]
    manager_guide: ManagerGuide
    effectiveness: CoachingEffectiveness
    limitations: list[str] = Field(default_factory=list)


RESULT = PerformanceCoachingResult
SCOPE = "rep"  # about a rep across their deals: requests carry rep_id, not a deal
