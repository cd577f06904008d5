"""The CRM deal as the agent sees it. Field names follow common CRM vocabulary."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from agent.contracts.base import Contract, Id, InputContract, Level

DmuRole = Literal[
    "economic_buyer",
    "champion",
    "technical_evaluator",
    "business_evaluator",
    "user",
    "coach",
    "blocker",
    "procurement",
    "legal",
    "influencer",
    "unknown",
]
Sentiment = Literal["positive", "neutral", "negative", "unknown"]
ActivityType = Literal[
    "call",
    "meeting",
    "email",
    "demo",
    "workshop",
    "presentation",
    "proposal",
    "negotiation",
    "task",
    "note",
    "other",
]
ActivityOutcome = Literal["positive", "neutral", "negative", "no_show", "pending"]


class Account(Contract):
    name: str
    industry: str
    employees: int | None = Field(default=None, ge=0)
    annual_revenue: float | None = Field(default=None, ge=0)
    region: str | None = None
    website: str | None = None
    description: str | None = None


class TeamMember(Contract):
    """Someone on the selling side: the owner rep, a solutions engineer, a manager."""

    id: str
    name: str
    role: str = "account_executive"


class Contact(Contract):
    id: str
    name: str
    title: str
    dmu_role: DmuRole = "unknown"
    influence: Level = "medium"
    sentiment: Sentiment = "unknown"
    last_contact: dt.date | None = None
    email: str | None = None
    notes: str | None = None


class Activity(Contract):
    id: str
    type: ActivityType
    date: dt.date
    participants: list[str] = Field(
        default_factory=list, description="Contact ids and team member ids who took part."
    )
    summary: str
    outcome: ActivityOutcome | str | None = Field(
        default=None,
        description="positive, neutral, negative, no_show or pending; or the CRM's own words "
        "('No reply', 'Bounced', 'Rescheduled to Friday'), which the agent reads.",
    )
    next_step: str | None = None


class StageChange(Contract):
    stage: str
    entered: dt.date


class CloseDateChange(Contract):
    changed_on: dt.date
    from_date: dt.date
    to_date: dt.date
    reason: str | None = None


class Note(Contract):
    date: dt.date
    author: str
    text: str


class Milestone(Contract):
    name: str
    due: dt.date
    owner: str = Field(description="Contact id or team member id.")
    done: bool = False


class MutualActionPlan(Contract):
    """The plan to signature agreed with the customer, as kept in the CRM or deal room."""

    agreed: bool = False
    agreed_on: dt.date | None = None
    milestones: list[Milestone] = Field(default_factory=list)


class ProcessException(Contract):
    """A recorded deviation from the sales process: which step, why, and who agreed."""

    step_id: str = Field(description="Exit criterion or required activity id in the process.")
    reason: str
    approved_by: str | None = None
    date: dt.date | None = None


class Deal(InputContract):
    id: Id
    name: str
    account: Account
    owner: TeamMember
    team: list[TeamMember] = Field(default_factory=list)
    amount: float = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code")
    stage: str
    stage_history: list[StageChange] = Field(default_factory=list)
    created: dt.date
    expected_close: dt.date
    close_date_history: list[CloseDateChange] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    competitors: list[str] = Field(default_factory=list)
    mutual_action_plan: MutualActionPlan | None = None
    process_exceptions: list[ProcessException] = Field(default_factory=list)
    next_step: str | None = None
    next_step_date: dt.date | None = None
    notes: list[Note] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    source: str | None = None

    @model_validator(mode="after")
    def _references_resolve(self) -> Deal:
        """Participants must be known people, otherwise grounding checks cannot trust them."""
        known = {c.id for c in self.contacts} | {self.owner.id} | {m.id for m in self.team}
        for i, activity in enumerate(self.activities):
            for who in activity.participants:
                if who not in known:
                    raise ValueError(
                        f"activities[{i}].participants: '{who}' is not a contact or team "
                        f"member id of this deal (known: {', '.join(sorted(known))})"
                    )
        if self.mutual_action_plan:
            for i, milestone in enumerate(self.mutual_action_plan.milestones):
                if milestone.owner not in known:
                    raise ValueError(
                        f"mutual_action_plan.milestones[{i}].owner: '{milestone.owner}' is not a "
                        "contact or team member id of this deal"
                    )
        ids = [c.id for c in self.contacts]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"contacts: duplicate contact id(s) {', '.join(dupes)}")
        if self.expected_close < self.created:
            raise ValueError("expected_close is before created")
        return self

    def contact(self, contact_id: str) -> Contact | None:
        return next((c for c in self.contacts if c.id == contact_id), None)

    def person_name(self, person_id: str) -> str:
        contact = self.contact(person_id)
        if contact:
            return contact.name
        for member in [self.owner, *self.team]:
            if member.id == person_id:
                return member.name
        return person_id
