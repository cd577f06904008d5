"""Typed result of the next best action capability."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract, Level, Timing
from agent.contracts.meeting_prep import Point
from agent.contracts.probability import WinProbability
from agent.contracts.signals import Momentum, SignalRef


class RationaleItem(Contract):
    signal: str
    weight: float
    statement: str
    citations: list[str] = Field(default_factory=list)


class ProbabilityAdjustment(Contract):
    delta: float = Field(ge=-1, le=1)
    reason: str
    citations: list[str] = Field(default_factory=list)


class ProbabilityEstimate(Contract):
    """Chance the action achieves its expected outcome, and exactly how it was estimated."""

    value: float | None = Field(
        ge=0, le=1, description="None when not estimated: a closed deal's steps are the team's own."
    )
    base: float | None = Field(ge=0, le=1)
    method: Literal["analytics", "play_prior", "closed_deal"]
    explanation: str
    sample: int | None = Field(default=None, description="Deals behind an analytics rate.")
    adjustments: list[ProbabilityAdjustment] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)


class Effort(Contract):
    level: Level
    hours: float = Field(ge=0)
    who: list[str] = Field(default_factory=list, description="Who on the selling side does it.")


class Target(Contract):
    """A stakeholder the action involves; unknown roles are named as gaps, never invented."""

    role: str
    contact_id: str | None = None
    name: str | None = None
    title: str | None = None
    absence: str | None = Field(
        default=None,
        description="Their leave, departure or absence in the record's words, and who covers.",
    )
    silence: str | None = Field(
        default=None,
        description="When they are not away: a meeting they did not come to, or attempts to "
        "reach them unanswered, since they last took part.",
    )
    citations: list[str] = Field(
        default_factory=list, description="Where the absence, or else the silence, is said."
    )


class Guidance(Contract):
    """A knowledge passage behind the advice: methodology, objection handling, a battle card."""

    ref: str
    title: str
    section: str
    excerpt: str


class RecommendedAction(Contract):
    play_id: str
    title: str
    score: float
    steps: list[str]
    targets: list[Target] = Field(default_factory=list)
    timing: Timing
    timing_reason: str
    expected_outcome: str
    success_criteria: list[str]
    why_it_matters: str
    if_not_feasible: str
    effort: Effort
    probability: ProbabilityEstimate
    rationale: list[RationaleItem]
    guidance: list[Guidance] = Field(default_factory=list)
    when_to_choose: str | None = Field(
        default=None, description="For alternatives: when this beats the primary."
    )
    citations: list[str] = Field(default_factory=list)


class DealSnapshot(Contract):
    stage: str
    days_in_stage: int
    expected_days_in_stage: int | None = None
    days_to_close: int
    days_since_last_activity: int | None = None
    momentum: Momentum
    closed: Literal["won", "lost"] | None = Field(
        default=None, description="Set when the stage closes the deal; momentum then means nothing."
    )
    amount: float
    currency: str
    economic_buyer: str | None = Field(
        default=None, description="Who signs, by name, when the record or its text says."
    )


class NextBestActionResult(Contract):
    kind: Literal["next_best_action"] = "next_best_action"
    snapshot: DealSnapshot
    primary: RecommendedAction
    alternatives: list[RecommendedAction] = Field(default_factory=list)
    strategy: str = Field(
        description="How the action connects to the deal's strategy and momentum."
    )
    strategy_citations: list[str] = Field(default_factory=list)
    competition: list[Point] = Field(
        default_factory=list,
        description="Per competitor in play: its vetted battle card's lead lines and what to "
        "check before quoting them, or that there is no card and what to find out.",
    )
    win_probability: WinProbability | None = Field(
        default=None, description="The deal's chance of closing, from the shared model."
    )
    signals: list[SignalRef] = Field(default_factory=list)
    limitations: list[str] = Field(
        default_factory=list, description="How missing inputs limit this advice."
    )


RESULT = NextBestActionResult
