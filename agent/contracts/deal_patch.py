"""The change a debrief proposes to a deal's CRM record (post-call analysis's `deal_patch`),
which the workspace writer (tools/deal_patch.py) applies when the user asks: a contract of its
own, so the sources layer reads its shape without depending on the capability that builds it."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.deal import Activity


class ContactUpdate(Contract):
    contact_id: str
    last_contact: dt.date


class DealPatch(Contract):
    """What the call adds to the CRM record. Applied only when the user asks (`--apply`)."""

    deal_id: str
    transcript_source: str
    add_activity: Activity
    contact_updates: list[ContactUpdate] = Field(default_factory=list)
    add_competitors: list[str] = Field(default_factory=list)
    next_step: str | None = Field(
        default=None, description="The deal's next step after the call, when one was agreed."
    )
    next_step_date: dt.date | None = None
    advance_stage_to: str | None = Field(
        default=None,
        description="Proposed only when every checked exit criterion of the current stage is "
        "met with the call recorded; applying it adds the stage to stage_history.",
    )
    stage_from: str | None = Field(
        default=None,
        description="The stage the analysis read: a stage move is applied only from it, so a "
        "stage changed meanwhile by another writer is never moved back.",
    )

    @property
    def marker(self) -> str:
        """Written into the activity summary, so the same call is never logged twice."""
        return f"(From transcript {self.transcript_source}.)"
