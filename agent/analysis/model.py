"""The computed picture of a deal, shared by every capability. Pure data, no prose decisions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.deal import DmuRole, Sentiment
from agent.contracts.signals import Momentum
from agent.contracts.signals import SignalRef as Signal  # one shape, two names
from agent.contracts.upstream import Phase

EngagementLevel = Literal["engaged", "cooling", "dark", "never"]
GapStatus = Literal["confirmed", "partial", "missing"]


class StakeholderEngagement(Contract):
    contact_id: str
    index: int = Field(description="Position in deal.contacts, for citations.")
    name: str
    title: str
    role: DmuRole
    influence: str
    sentiment: Sentiment
    last_touch: dt.date | None
    days_since_touch: int | None
    touches_30d: int
    activity_indices: list[int]
    level: EngagementLevel


class Evidence(Contract):
    check: str
    met: bool
    detail: str
    citations: list[str] = Field(default_factory=list)


class CriterionStatus(Contract):
    stage: str
    id: str
    description: str
    met: bool | None = Field(description="None when the criterion has no automatic check.")
    ref: str
    citations: list[str] = Field(default_factory=list)


class MethodologyGap(Contract):
    framework: str
    element: str
    status: GapStatus
    citations: list[str] = Field(default_factory=list)


class Analysis(Contract):
    as_of: dt.date
    stage: str
    stage_ref: str | None
    phase: Phase | None
    next_stage: str | None
    days_in_stage: int
    stage_entered_ref: str | None
    expected_days_in_stage: int | None
    days_to_close: int
    days_since_last_activity: int | None
    last_activity_ref: str | None
    activities_30d: int
    activities_prev_30d: int
    momentum: Momentum
    engagement: list[StakeholderEngagement]
    dmu_roles_present: list[str]
    dmu_roles_missing: list[str]
    evidence: dict[str, Evidence]
    exit_criteria: list[CriterionStatus]
    earlier_unmet: list[CriterionStatus]
    methodology_gaps: list[MethodologyGap]
    signals: list[Signal]
    thresholds: dict[str, int] = Field(default_factory=dict)

    def fired(self, signal_id: str) -> Signal | None:
        return next((s for s in self.signals if s.id == signal_id), None)

    def contact(self, role: str) -> list[StakeholderEngagement]:
        return [e for e in self.engagement if e.role == role]


__all__ = [
    "Analysis",
    "CriterionStatus",
    "EngagementLevel",
    "Evidence",
    "GapStatus",
    "MethodologyGap",
    "Signal",
    "StakeholderEngagement",
]
