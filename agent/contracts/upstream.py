"""One typed section per upstream agent. Each is optional in a DealContext; absence is reported."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from agent.contracts.base import Contract, Level, Severity

ElementStatus = Literal["confirmed", "partial", "missing"]
Phase = Literal["prospect", "qualify", "discover", "solution", "proposal", "negotiate", "close"]

# Evidence checks that process standards may name in exit criteria. Each is computed by code
# in agent.analysis.evidence; a process file naming anything else is rejected when loaded.
EvidenceCheck = Literal[
    "pain_confirmed",
    "champion_identified",
    "economic_buyer_identified",
    "economic_buyer_engaged",
    "decision_criteria_known",
    "decision_process_known",
    "budget_confirmed",
    "demo_completed",
    "technical_validation_done",
    "value_case_shared",
    "value_case_validated",
    "proposal_sent",
    "mutual_action_plan_agreed",
    "procurement_engaged",
    "legal_review_started",
    "multi_threaded",
]


class RiskFactor(Contract):
    id: str
    category: str
    description: str
    severity: Severity
    evidence: str | None = None


class DealRisk(Contract):
    """From the deal risk agent."""

    overall_severity: Severity
    score: float = Field(ge=0, le=1, description="0 = no risk, 1 = certain loss")
    factors: list[RiskFactor] = Field(default_factory=list)
    red_flags: list[str] = Field(default_factory=list)
    assessed_on: dt.date | None = None


class QualificationElement(Contract):
    name: str = Field(description="Element of the framework, e.g. 'Economic Buyer'.")
    status: ElementStatus
    evidence: str | None = None


class Qualification(Contract):
    """From the qualification agent."""

    framework: str = "MEDDICC"
    score: float = Field(ge=0, le=100)
    customer_fit: Level
    fit_summary: str | None = None
    competitive_position: Literal["leading", "even", "trailing", "unknown"] = "unknown"
    competitive_summary: str | None = None
    elements: list[QualificationElement] = Field(default_factory=list)
    assessed_on: dt.date | None = None


class Pain(Contract):
    description: str
    impact: str | None = None
    owner: str | None = Field(default=None, description="Contact id who owns this pain.")
    confirmed: bool = False


class DmuMember(Contract):
    contact_id: str
    role: str
    priorities: list[str] = Field(default_factory=list)


class BuyingProcess(Contract):
    steps: list[str] = Field(default_factory=list)
    current_step: str | None = None
    procurement_required: bool | None = None
    legal_review_required: bool | None = None
    approval_threshold: float | None = None
    known: bool = Field(default=False, description="Has the customer confirmed this process?")


class DecisionCriterion(Contract):
    name: str
    weight: Level = "medium"
    our_position: Literal["strong", "parity", "weak", "unknown"] = "unknown"


class Discovery(Contract):
    """From the discovery agent."""

    needs: list[str] = Field(default_factory=list)
    pains: list[Pain] = Field(default_factory=list)
    dmu: list[DmuMember] = Field(default_factory=list)
    buying_process: BuyingProcess | None = None
    decision_criteria: list[DecisionCriterion] = Field(default_factory=list)
    compelling_event: str | None = None
    budget_confirmed: bool | None = None
    budget_notes: str | None = None


class StakeholderMessage(Contract):
    audience: str = Field(description="Contact id or DMU role the message is for.")
    message: str
    talking_points: list[str] = Field(default_factory=list)
    proof_points: list[str] = Field(default_factory=list)


class Argumentation(Contract):
    """From the sales argumentation agent."""

    core_message: str | None = None
    messages: list[StakeholderMessage] = Field(default_factory=list)


class FigureSource(Contract):
    """Where figures in a battle card or a proof point come from. A figure nobody can trace is
    not repeated as fact, so every figure the text states is listed under one source."""

    source: str = Field(
        min_length=3,
        description="Where the figures come from, with its date: a document, a dataset, an "
        "interview ('Win-loss review, Saltmarsh Mutual, 2026-02').",
    )
    figures: list[str] = Field(
        min_length=1,
        description="Each figure as the text writes it ('41%', '9-12 months', '$640,000'); a "
        "longer phrase ('3,400 developer hours') is fine.",
    )


class BattleCard(Contract):
    competitor: str
    strengths: list[str] = Field(default_factory=list)
    weaknesses: list[str] = Field(default_factory=list)
    landmines: list[str] = Field(default_factory=list)
    traps: list[str] = Field(default_factory=list)
    talking_points: list[str] = Field(default_factory=list)
    owner: str | None = Field(default=None, description="The role or team that keeps it true.")
    last_verified: dt.date | None = Field(
        default=None,
        description="When it was last checked; when absent, a date in the competitive summary "
        "('refreshed in March 2024') is used.",
    )
    sources: list[FigureSource] = Field(
        default_factory=list,
        description="Where its figures come from; a figure with no source is not quoted as fact.",
    )


class CompetitiveIntel(Contract):
    """From the competitive intelligence agent."""

    battle_cards: list[BattleCard] = Field(default_factory=list)
    summary: str | None = None


class StageConversion(Contract):
    stage: str
    to_next: float = Field(ge=0, le=1, description="Share of deals that moved to the next stage.")
    to_win: float = Field(ge=0, le=1, description="Share of deals from this stage that were won.")
    sample: int = Field(ge=0)


class CycleTime(Contract):
    stage: str
    median_days: float = Field(ge=0)
    p75_days: float | None = Field(default=None, ge=0)
    won_median_days: float | None = Field(default=None, ge=0)


class SegmentWinRate(Contract):
    segment: str
    win_rate: float = Field(ge=0, le=1)
    sample: int = Field(ge=0)


class ActionWinRate(Contract):
    action: str = Field(description="Play id or activity name the rate refers to.")
    success_rate: float = Field(
        ge=0, le=1, description="Share of times the action achieved its aim."
    )
    win_rate_with: float | None = Field(default=None, ge=0, le=1)
    win_rate_without: float | None = Field(default=None, ge=0, le=1)
    sample: int = Field(ge=0)


class SkillScore(Contract):
    """How the analytics agent rates one coachable skill of a rep (skill ids are the knowledge
    skill documents, e.g. 'skill-multi-threading')."""

    skill: str
    score: float = Field(ge=0, le=1)
    source: str | None = Field(default=None, description="What the score is based on.")


class RepPerformance(Contract):
    """One rep's historical results, next to the team figures above."""

    rep_id: str
    name: str
    period: str | None = None
    win_rate: float = Field(ge=0, le=1)
    deals_won: int = Field(ge=0)
    deals_lost: int = Field(ge=0)
    median_cycle_days: float | None = Field(default=None, ge=0)
    average_deal_size: float | None = Field(default=None, ge=0)
    stage_conversion: list[StageConversion] = Field(default_factory=list)
    skills: list[SkillScore] = Field(default_factory=list)


class TopPerformer(Contract):
    """A rep the analytics names as strongest at a skill: a peer to learn from."""

    skill: str
    rep_id: str
    name: str
    metric: str = Field(description="What makes them the top performer, in words.")


class SalesAnalytics(Contract):
    """From the sales analytics agent: historical patterns, not facts about this deal."""

    period: str | None = None
    stage_conversion: list[StageConversion] = Field(default_factory=list)
    cycle_times: list[CycleTime] = Field(default_factory=list)
    win_rates_by_segment: list[SegmentWinRate] = Field(default_factory=list)
    win_rates_by_action: list[ActionWinRate] = Field(default_factory=list)
    reps: list[RepPerformance] = Field(default_factory=list)
    top_performers: list[TopPerformer] = Field(default_factory=list)

    def rep(self, rep_id: str) -> tuple[int, RepPerformance] | None:
        return next(((i, r) for i, r in enumerate(self.reps) if r.rep_id == rep_id), None)


class ValueDriver(Contract):
    name: str
    metric: str | None = None
    baseline: float | None = None
    target: float | None = None
    annual_value: float | None = None


class Roi(Contract):
    investment: float = Field(ge=0)
    annual_benefit: float = Field(ge=0)
    payback_months: float | None = Field(default=None, ge=0)
    roi_percent: float | None = None
    currency: str = Field(min_length=3, max_length=3)


class ValueCase(Contract):
    """From the value selling agent."""

    status: Literal["draft", "shared", "validated"] = "draft"
    summary: str | None = None
    roi: Roi | None = None
    value_drivers: list[ValueDriver] = Field(default_factory=list)
    validated_by: str | None = Field(default=None, description="Contact id who validated it.")


class ExitCriterion(Contract):
    id: str
    description: str
    check: EvidenceCheck | None = Field(
        default=None, description="Evidence check computed from the deal; None = manual only."
    )


class RequiredActivity(Contract):
    id: str
    description: str
    activity_types: list[str] = Field(default_factory=list)
    optional: bool = False


class StageStandard(Contract):
    name: str
    phase: Phase
    expected_days: int = Field(gt=0)
    win_probability: float | None = Field(default=None, ge=0, le=1)
    exit_criteria: list[ExitCriterion] = Field(default_factory=list)
    required_activities: list[RequiredActivity] = Field(default_factory=list)
    outcome: Literal["won", "lost"] | None = Field(
        default=None,
        description="Set on a terminal stage: a deal in it is closed, won or lost, not coached "
        "as open (agent/analysis/closure.py).",
    )


class ProcessStandards(Contract):
    """From sales operations: the stages and what must be true to leave each."""

    name: str
    version: str = "1"
    stages: list[StageStandard] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_stages(self) -> ProcessStandards:
        names = [s.name.lower() for s in self.stages]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"stages: duplicate stage name(s) {', '.join(dupes)}")
        steps = [c.id for s in self.stages for c in s.exit_criteria]
        steps += [a.id for s in self.stages for a in s.required_activities]
        repeated = sorted({i for i in steps if steps.count(i) > 1})
        if repeated:
            raise ValueError(
                f"stages: step id(s) used twice: {', '.join(repeated)} (exit "
                "criteria and required activities share one id space)"
            )
        return self

    def stage(self, name: str) -> StageStandard | None:
        return next((s for s in self.stages if s.name.lower() == name.lower()), None)

    def index(self, name: str) -> int | None:
        for i, s in enumerate(self.stages):
            if s.name.lower() == name.lower():
                return i
        return None
