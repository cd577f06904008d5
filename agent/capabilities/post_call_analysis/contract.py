"""Typed result of post-call analysis (the debrief): what happened in a call, what it changes
in the deal, and what to do next. Every statement cites `transcript.utterances[i]`, a path in
the deal record, or a knowledge passage."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract, Level
from agent.contracts.conversation_metrics import ConversationMetrics
from agent.contracts.deal_patch import DealPatch
from agent.contracts.meeting_prep import Point

Commitment = Literal["confirmed", "hedged", "none"]
ProgressStatus = Literal["met", "partial", "not_met", "not_assessed"]


class CallFacts(Contract):
    source: str
    date: dt.date
    duration_minutes: float | None = None
    attendees: list[str] = Field(description="Names of mapped speakers, seller side first.")
    unmapped_speakers: list[str] = Field(default_factory=list)
    unconfirmed_speakers: list[str] = Field(
        default_factory=list,
        description="Labels that match a contact's name, but nothing outside the spoken lines "
        "names that contact for this call: not counted as the contact (no contact update, not "
        "on the e-mail, no effect on the win probability) until the rep confirms.",
    )
    activity_type: str = Field(description="How the call is recorded in the CRM.")


class ObjectiveProgress(Contract):
    objective: str
    source: Literal["meeting", "exit_criterion"]
    status: ProgressStatus
    detail: str
    citations: list[str] = Field(default_factory=list)


class Receptiveness(Contract):
    level: Level | Literal["unknown"] = Field(
        description="unknown: no speaker is known to be the customer's (confirm who spoke)"
    )
    customer_questions: int = Field(ge=0)
    customer_turn_share: float = Field(ge=0, le=1)
    agreements: int = Field(ge=0, description="Customer turns that agree or accept.")
    pushbacks: int = Field(ge=0, description="Customer objections, stalls and frustration.")
    detail: str
    citations: list[str] = Field(default_factory=list)


class NewInformation(Contract):
    kind: Literal[
        "new_person",
        "new_competitor",
        "first_engagement",
        "methodology_evidence",
        "figure",
        "objection",
        "buying_constraint",
    ]
    compared_with_record: Literal["new", "confirms", "updates"]
    detail: str
    citations: list[str] = Field(default_factory=list)


class Obstacle(Contract):
    kind: Literal["objection", "stall", "frustration"]
    handled: bool
    detail: str
    suggested_response: str | None = Field(
        default=None, description="From the objection library, for the next conversation."
    )
    citations: list[str] = Field(default_factory=list)


class ProbabilityChange(Contract):
    """The shared win-probability model, run on the record before and after the patch."""

    before: float = Field(ge=0, le=1)
    after: float = Field(ge=0, le=1)
    delta: float
    risks_resolved: list[str] = Field(description="Signal ids that no longer fire.")
    risks_added: list[str] = Field(description="Signal ids that fire only after the call.")
    detail: str
    citations: list[str] = Field(default_factory=list)


class AdherenceCheck(Contract):
    kind: Literal["exit_criterion", "required_activity", "methodology"]
    id: str
    description: str
    status: Literal["advanced", "already_met", "not_advanced"]
    detail: str
    citations: list[str] = Field(default_factory=list)


class MessageOutcome(Contract):
    index: int = Field(ge=0, description="The seller's utterance.")
    speaker: str
    message: str
    landed: bool
    response: str = Field(description="The customer's reply, shortened.")
    citations: list[str] = Field(default_factory=list)


class NextStep(Contract):
    action: str
    owner_id: str | None = None
    owner: str
    due: dt.date | None = None
    due_text: str | None = Field(default=None, description="The words the date came from.")
    customer_commitment: Commitment
    recommended: bool = Field(
        default=False,
        description="Not said in the call: the rep's step the debrief adds for a gap the call "
        "showed (never in the follow-up email or the record's next step).",
    )
    citations: list[str] = Field(default_factory=list)


class Lesson(Contract):
    text: str
    deal_id: str
    stage: str
    industry: str | None = None
    learned_on: dt.date
    citations: list[str] = Field(default_factory=list)


class FollowUpEmail(Contract):
    to: list[str] = Field(description="Customer attendees, 'Name <email>' when known.")
    cc: list[str] = Field(default_factory=list)
    subject: str
    body: str = Field(
        description="Our own sentences around the agreed steps' actions and dates; no line of "
        "the transcript is pasted in."
    )
    to_confirm: list[str] = Field(
        default_factory=list,
        description="For the rep, not sent: steps nobody on the other side agreed to, or hedged.",
    )
    citations: list[str] = Field(default_factory=list)


class PostCallAnalysisResult(Contract):
    kind: Literal["post_call_analysis"] = "post_call_analysis"
    call: CallFacts
    metrics: ConversationMetrics
    went_well: list[Point]
    to_improve: list[Point]
    objectives: list[ObjectiveProgress]
    receptiveness: Receptiveness
    new_information: list[NewInformation]
    obstacles: list[Obstacle]
    probability: ProbabilityChange
    adherence: list[AdherenceCheck]
    messages: list[MessageOutcome]
    discovery_gaps: list[Point]
    next_steps: list[NextStep]
    adjustments: list[Point]
    lessons: list[Lesson]
    lessons_from_similar: list[Lesson] = Field(
        default_factory=list, description="Kept from earlier calls on other deals."
    )
    lessons_saved: bool = Field(description="False when no long-term store is configured.")
    patch: DealPatch
    follow_up: FollowUpEmail
    assumptions: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)


RESULT = PostCallAnalysisResult
REQUIRES = {
    "transcript": "post_call_analysis needs the call's transcript (plain 'Speaker: text' lines, "
    "WebVTT, SRT or JSON segments)"
}
