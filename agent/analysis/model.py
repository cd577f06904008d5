"""The computed picture of a deal, shared by every capability. Pure data, no prose decisions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from agent.analysis.closure import Closure
from agent.contracts.base import Contract
from agent.contracts.deal import DmuRole, Sentiment
from agent.contracts.facts import Reading
from agent.contracts.signals import Momentum
from agent.contracts.signals import SignalRef as Signal  # one shape, two names
from agent.contracts.upstream import Phase

EngagementLevel = Literal["engaged", "cooling", "dark", "never"]
# "unknown": nothing in the record says either way (no discovery data, say); "missing": the
# record says it is not there. The coach asks about both, but says which it is.
GapStatus = Literal["confirmed", "partial", "missing", "unknown"]


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
    activity_indices: list[int] = Field(description="Two-way activities they took part in.")
    level: EngagementLevel
    unanswered: int = Field(
        default=0, description="Attempts to reach them since they last took part, unanswered."
    )
    unanswered_refs: list[str] = Field(default_factory=list)
    unreachable: bool = Field(
        default=False, description="The last attempt bounced: they may have left."
    )
    leaving: str | None = Field(
        default=None, description="The words that say they are leaving or have left."
    )
    leaving_ref: str | None = None
    left: bool = Field(
        default=False,
        description="Their last day, as the text gives it, is before today: they have gone and "
        "no longer hold their role on the deal, whatever the CRM still says.",
    )
    away_until: dt.date | None = Field(
        default=None,
        description="Away until this date, as an auto-reply or the record says (a leave with "
        "an end): a temporary absence, not a departure.",
    )
    away: str | None = Field(default=None, description="The auto-reply's or the record's words.")
    away_ref: str | None = None
    deputy: str | None = Field(
        default=None, description="Who the auto-reply or the record names to cover meanwhile."
    )

    @property
    def is_away(self) -> bool:
        return self.away is not None

    @property
    def away_says(self) -> str:
        """Whose words say they are away: their auto-reply (an outreach outcome), else the
        record (a note, an activity, their contact notes)."""
        return "their auto-reply" if (self.away_ref or "").endswith(".outcome") else "the record"

    @property
    def reliable(self) -> bool:
        """Someone the deal can still count on: reachable and not on their way out."""
        return not self.unreachable and self.leaving is None


class Evidence(Contract):
    """One check's finding, three-valued: met, not met, or unknown (None) when the input that
    would show it is missing; unknown is never counted as not met."""

    check: str
    met: bool | None
    detail: str
    citations: list[str] = Field(default_factory=list)
    missing: str | None = Field(
        default=None, description="The missing input section that leaves it unknown."
    )


class CriterionStatus(Contract):
    stage: str
    id: str
    description: str
    met: bool | None = Field(description="None: no automatic check, or its evidence unknown.")
    ref: str
    citations: list[str] = Field(default_factory=list)
    unknown: str | None = Field(
        default=None, description="The missing input that leaves it unknown."
    )


class MentionedPerson(Contract):
    """Someone the free text names with a title or role who is not one of the deal's contacts."""

    name: str | None
    title: str
    role: DmuRole
    authority: bool = False
    met: bool | None = None
    acted: bool = Field(
        default=False,
        description="The text says they did something for the deal (sent, asked, runs).",
    )
    ref: str
    quote: str
    stands_in_for: str | None = Field(
        default=None, description="The contact (id) they stand in for while that one is away."
    )
    until: dt.date | None = Field(default=None, description="When that contact is back.")


class EconomicBuyer(Contract):
    """Who signs, as the record or its text says, and whether we have engaged them."""

    name: str | None
    title: str
    contact_id: str | None = None
    engaged: bool
    scheduled: str | None = Field(default=None, description="A meeting booked with them (ref).")
    citations: list[str] = Field(default_factory=list)


class RecordGap(Contract):
    """The record's history starts late: the text says it was migrated, not imported or lost,
    or that a partner ran the deal first and keeps its records.
    Before `until`, the absence of an activity is not evidence that it did not happen."""

    until: dt.date = Field(description="The date the record's history starts.")
    quote: str = Field(description="The words that say so, verbatim.")
    citations: list[str] = Field(default_factory=list)
    holder: str | None = Field(
        default=None,
        description="Who holds the missing history: a partner that ran the deal before us.",
    )


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
    reading: Reading = Field(default_factory=Reading, description="Facts read from free text.")
    mentioned: list[MentionedPerson] = Field(default_factory=list)
    economic_buyer: EconomicBuyer | None = None
    unknown: list[str] = Field(
        default_factory=list, description="Evidence checks left unknown by missing inputs."
    )
    record_gap: RecordGap | None = Field(
        default=None, description="The record's history is incomplete before a date."
    )
    closure: Closure | None = Field(
        default=None, description="Set when the deal is closed won or lost (analysis/closure.py)."
    )

    def fired(self, signal_id: str) -> Signal | None:
        return next((s for s in self.signals if s.id == signal_id), None)

    def contact(self, role: str) -> list[StakeholderEngagement]:
        """Who holds the role now: someone who has left holds it no longer."""
        return [e for e in self.engagement if e.role == role and not e.left]

    def former(self, role: str) -> list[StakeholderEngagement]:
        """Who held the role and has left: named so the advice does not send the rep to them."""
        return [e for e in self.engagement if e.role == role and e.left]


__all__ = [
    "Analysis",
    "CriterionStatus",
    "EconomicBuyer",
    "EngagementLevel",
    "Evidence",
    "GapStatus",
    "MentionedPerson",
    "MethodologyGap",
    "RecordGap",
    "Signal",
    "StakeholderEngagement",
]
