"""A rep's material for performance coaching: their deals, the team's analytics, what the agent
recommended before (coaching history) and their recorded calls.

Citations into it name the deal they point into: `D-1003:deal.activities[3]`; org-level data is
cited as `analytics.reps[0]`, earlier advice as `history[2]` and a call as `calls[0]`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.context import DealContext
from agent.contracts.deal import TeamMember
from agent.contracts.upstream import SalesAnalytics


class CoachingRecord(Contract):
    """What the agent recommended on one deal, one capability and one day: kept in long-term
    memory so later coaching can compare the advice with what happened."""

    rep_id: str
    deal_id: str
    capability: str
    as_of: dt.date
    stage: str = Field(description="The deal's stage when the advice was given.")
    action_id: str | None = Field(default=None, description="Play or process step id.")
    title: str
    activity_types: list[str] = Field(
        default_factory=list, description="Activity types that would show the advice was acted on."
    )
    participants: list[str] = Field(
        default_factory=list, description="Contact ids the advice asked the rep to reach."
    )
    success_criteria: list[str] = Field(default_factory=list)
    due: dt.date | None = None
    skills: list[str] = Field(default_factory=list, description="Knowledge skill ids exercised.")


class RepCall(Contract):
    """Conversation metrics of one recorded call on one of the rep's deals."""

    deal_id: str
    source: str = Field(description="The transcript file name.")
    seller_share: float = Field(ge=0, le=1, description="Seller words / (seller + customer).")
    seller_questions: int = Field(ge=0)
    open_questions: int = Field(ge=0)
    objections: int = Field(ge=0)
    objections_handled: int = Field(ge=0)


class RepContext(Contract):
    """Everything performance coaching may read and cite for one rep."""

    rep: TeamMember
    deals: list[DealContext] = Field(default_factory=list)
    analytics: SalesAnalytics | None = None
    history: list[CoachingRecord] = Field(default_factory=list)
    calls: list[RepCall] = Field(default_factory=list)

    def deal(self, deal_id: str) -> DealContext | None:
        return next((d for d in self.deals if d.deal.id == deal_id), None)
