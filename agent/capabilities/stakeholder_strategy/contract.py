"""Typed result of the stakeholder (DMU) engagement strategy."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract, Level, Timing

EngagementLevel = Literal["engaged", "cooling", "dark", "never"]


class RoleCoverage(Contract):
    role: str
    contacts: list[str]
    covered: bool


class StakeholderPlan(Contract):
    contact_id: str | None = Field(
        description="The contact; None for someone the record's text names who is not one yet."
    )
    name: str
    title: str
    role: str
    influence: Level
    sentiment: str
    engagement: EngagementLevel
    last_touch: dt.date | None
    touches_30d: int
    priorities: list[str]
    approach: str
    value_proposition: str
    channel: str
    timing: Timing
    message_draft: str
    collaboration: str
    risk_if_disengaged: str
    citations: list[str] = Field(default_factory=list)


class RoleGap(Contract):
    role: str
    why_it_matters: str
    how_to_fill: str
    citations: list[str] = Field(default_factory=list)


class Escalation(Contract):
    contact_id: str
    name: str
    path: list[str]


class StakeholderStrategyResult(Contract):
    kind: Literal["stakeholder_strategy"] = "stakeholder_strategy"
    coverage: list[RoleCoverage]
    stakeholders: list[StakeholderPlan]
    gaps: list[RoleGap]
    disengaged: list[str]
    alignment_plan: list[str]
    champion_building: list[str]
    escalations: list[Escalation]
    citations: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)


RESULT = StakeholderStrategyResult
