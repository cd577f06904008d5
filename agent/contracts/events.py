"""Typed events for downstream agents, written to an outbox (JSON lines) and returned in the
response, so an orchestrator can forward them without parsing prose."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import Field

from agent.contracts.base import SCHEMA_VERSION, Contract


class ProcessImprovementInsight(Contract):
    """For a continuous improvement agent: where the process and practice disagree."""

    type: Literal["process_improvement_insight"] = "process_improvement_insight"
    process: str
    stage: str
    missed_steps: list[str]
    waived_steps: list[str] = Field(description="Steps skipped with a recorded reason.")
    skipped_stages: list[str]
    rep_id: str
    rep_pattern: list[str] = Field(description="Steps this rep misses in most of their deals.")
    suggestions: list[str]


class ClosingStrategyGuidance(Contract):
    """For a deal acceleration agent: what has to happen, in what order, to close."""

    type: Literal["closing_strategy_guidance"] = "closing_strategy_guidance"
    stage: str
    expected_close: dt.date
    win_probability: float | None = None
    risks_in_order: list[str]
    next_milestones: list[str]
    blockers: list[str]


class CoachingEffectiveness(Contract):
    """For a performance coaching agent: was earlier advice followed, and what followed it."""

    type: Literal["coaching_effectiveness"] = "coaching_effectiveness"
    rep_id: str
    period: str
    recommendations_given: int = Field(ge=0)
    followed: int = Field(ge=0)
    not_followed: int = Field(ge=0)
    too_early: int = Field(ge=0)
    outcomes_when_followed: dict[str, int] = Field(
        description="Deal outcome (won, lost, advanced, no_change, open) -> count."
    )
    outcomes_when_not_followed: dict[str, int]
    focus_skills: list[str]
    commitments: list[str]


EventPayload = Annotated[
    ProcessImprovementInsight | ClosingStrategyGuidance | CoachingEffectiveness,
    Field(discriminator="type"),
]


class DownstreamEvent(Contract):
    schema_version: str = SCHEMA_VERSION
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    created: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    source: str = "sales-coach"
    deal_id: str | None = None
    rep_id: str | None = Field(default=None, description="Set for rep-level events.")
    payload: EventPayload
