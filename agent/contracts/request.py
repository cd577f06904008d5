"""What a caller sends: chat UI, orchestrator or eval runner all use this one shape."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from pydantic import Field, model_validator

from agent.contracts.base import SCHEMA_VERSION, Contract
from agent.contracts.context import DealContext

# Only capabilities that exist are listed; the router rejects anything else by name.
Capability = Literal[
    "next_best_action",
    "process_adherence",
    "stakeholder_strategy",
    "deal_strategy",
    "pre_call_brief",
    "meeting_agenda",
    "objection_guide",
    "methodology_coaching",
    "post_call_analysis",
    "performance_coaching",
]
# Capabilities about a rep across their deals rather than about one deal.
REP_CAPABILITIES: frozenset[str] = frozenset({"performance_coaching"})
CAPABILITIES: tuple[str, ...] = get_args(Capability)


class Meeting(Contract):
    title: str | None = None
    date: dt.date | None = None
    duration_minutes: int | None = Field(default=None, gt=0)
    attendees: list[str] = Field(default_factory=list, description="Contact or team member ids.")
    objective: str | None = None
    customer_agenda: list[str] = Field(default_factory=list)


class CoachingRequest(Contract):
    schema_version: str = SCHEMA_VERSION
    capability: Capability | None = None
    deal_id: str | None = None
    deal: DealContext | None = Field(default=None, description="Inline deal context.")
    message: str | None = None
    transcript: str | None = Field(
        default=None, description="A call transcript: plain, WebVTT, SRT or JSON segments."
    )
    transcript_source: str | None = Field(
        default=None, description="The file the transcript came from, named in citations."
    )
    meeting: Meeting | None = None
    rep_id: str | None = None
    methodology: str | None = None
    as_of: dt.date | None = Field(
        default=None, description="Date the analysis treats as today; defaults to the workspace's."
    )
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _needs_a_deal(self) -> CoachingRequest:
        if self.capability in REP_CAPABILITIES:
            if not self.rep_id:
                raise ValueError(
                    f"{self.capability} is about a rep: give rep_id (e.g. 'rep-priya'); "
                    "`coach deals` shows the owners"
                )
            return self
        if self.deal is None and not self.deal_id:
            raise ValueError("give either deal_id (to read from the workspace) or an inline deal")
        if self.deal is not None and self.deal_id and self.deal.deal.id != self.deal_id:
            raise ValueError(
                f"deal_id '{self.deal_id}' does not match the inline deal's id "
                f"'{self.deal.deal.id}'"
            )
        return self

    @model_validator(mode="after")
    def _debrief_needs_a_transcript(self) -> CoachingRequest:
        if self.capability == "post_call_analysis" and not (self.transcript or "").strip():
            raise ValueError(
                "post_call_analysis needs the call's transcript (plain 'Speaker: text' lines, "
                "WebVTT, SRT or JSON segments)"
            )
        return self

    @property
    def target_deal_id(self) -> str:
        return self.deal.deal.id if self.deal is not None else str(self.deal_id)
