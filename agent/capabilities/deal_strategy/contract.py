"""Typed result of deal strategy (closing strategy guidance)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract, Severity
from agent.contracts.events import ClosingStrategyGuidance
from agent.contracts.probability import WinProbability


class WinTheme(Contract):
    theme: str
    evidence: str
    citations: list[str]


class CompetitivePlan(Contract):
    competitor: str
    position: str
    strategy: str
    landmines: list[str]
    traps_to_defuse: list[str]
    talking_points: list[str]
    citations: list[str]
    card: Literal["competitive_agent", "knowledge_base"] | None = Field(
        default=None, description="Whose battle card the plan uses; None when there is none."
    )
    last_verified: str | None = Field(
        default=None, description="When the card was last verified, as its source writes it."
    )
    cautions: list[str] = Field(
        default_factory=list,
        description="What to check before quoting: a stale card, lines left out for an "
        "unsourced figure, competitor figures heard in the deal's notes (claims to verify).",
    )
    to_find_out: list[str] = Field(
        default_factory=list, description="Questions for a competitor with no battle card."
    )


class RiskToRetire(Contract):
    order: int
    signal: str
    risk: str
    severity: Severity
    action: str
    by: dt.date
    citations: list[str]


class PlanStep(Contract):
    milestone: str
    owner: str
    due: dt.date
    status: Literal["done", "open", "proposed"]
    citations: list[str] = Field(default_factory=list)


class DealStrategyResult(Contract):
    kind: Literal["deal_strategy"] = "deal_strategy"
    win_probability: WinProbability
    win_themes: list[WinTheme]
    competition: list[CompetitivePlan]
    risks: list[RiskToRetire]
    economic_buyer: str | None = Field(
        default=None, description="Who signs, by name, when the record or its text says."
    )
    mutual_action_plan: list[PlanStep]
    closing_plan: list[str]
    guidance: ClosingStrategyGuidance
    citations: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)


RESULT = DealStrategyResult
