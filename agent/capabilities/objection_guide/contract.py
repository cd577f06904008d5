"""Typed result of the objection handling guide: the objections this deal is likely to meet,
ranked with the reasons, and for each one what to say, ask, prove and when to escalate."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract, Level

ReasonFactor = Literal["raised", "stage", "competitor", "stakeholder", "signal", "upstream"]


class Reason(Contract):
    """One transparent contribution to an objection's rank, cited to where it came from."""

    factor: ReasonFactor
    points: float
    statement: str
    citations: list[str] = Field(default_factory=list)


class StakeholderAngle(Contract):
    contact_id: str
    name: str
    role: str
    angle: str
    citations: list[str] = Field(default_factory=list)


class SignerFit(Contract):
    """Who signs in this deal, for an objection that names a signer no contact is
    (objection_guide/fit.py)."""

    statement: str
    citations: list[str] = Field(default_factory=list)


class ObjectionPlan(Contract):
    objection_id: str = Field(description="Knowledge document id of the objection.")
    title: str
    category: str
    rank: int
    score: float
    likelihood: Level
    why: list[Reason]
    signer: SignerFit | None = Field(
        default=None,
        description="Who signs here, when the objection names a signer's title no contact holds.",
    )
    acknowledge_reframe_respond: str
    feel_felt_found: str
    root_cause_questions: list[str]
    proof_points: list[str]
    bridge_to_value: str
    data_answers: list[str] = Field(
        default_factory=list, description="ROI or competitive answers, only from deal data."
    )
    by_stakeholder: list[StakeholderAngle] = Field(default_factory=list)
    if_not_satisfied: str
    escalation: str
    citations: list[str] = Field(default_factory=list)


class ObjectionGuideResult(Contract):
    kind: Literal["objection_guide"] = "objection_guide"
    typed_objection: str | None = Field(
        default=None, description="The objection as the rep typed it, when one was given."
    )
    objections: list[ObjectionPlan]
    typical_concerns: list[str]
    delivery_advice: list[str]
    reference_card: list[str] = Field(description="One keep-open line per objection.")
    citations: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)


RESULT = ObjectionGuideResult
