"""The vocabulary of deal signals: small, named facts the analysis computes and plays name in
their front matter (a play naming an id not listed here is rejected on loading)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract, Severity

Momentum = Literal["accelerating", "steady", "stalling", "stalled"]

SIGNAL_LABELS: dict[str, str] = {
    "no_recent_activity": "No recent activity",
    "activity_cadence_dropping": "Activity cadence dropping",
    "champion_gone_quiet": "Champion has gone quiet",
    "no_champion": "No champion",
    "economic_buyer_unknown": "Economic buyer not identified",
    "economic_buyer_not_engaged": "Economic buyer not engaged",
    "single_threaded": "Single-threaded",
    "stage_overdue": "Stage overdue",
    "stage_ahead_of_evidence": "Stage ahead of its evidence",
    "exit_criteria_unmet": "Exit criteria open",
    "exit_criteria_met": "Exit criteria met",
    "close_date_slipped": "Close date slipped",
    "close_date_passed": "Close date passed",
    "close_date_near": "Close date near",
    "competitor_present": "Competitor in the deal",
    "competitive_bakeoff": "Competitive bake-off",
    "negative_sentiment": "Negative stakeholder sentiment",
    "blocker_present": "Blocker in the buying group",
    "high_risk": "High deal risk",
    "pain_unconfirmed": "Pain not confirmed",
    "value_case_missing": "No value case shared",
    "decision_process_unknown": "Decision process unknown",
    "decision_criteria_unknown": "Decision criteria unknown",
    "budget_unconfirmed": "Budget not confirmed",
    "no_next_step": "No dated next step",
    "mutual_plan_missing": "No mutual action plan",
    "procurement_not_engaged": "Procurement not engaged",
    "legal_not_started": "Legal review not started",
    "momentum_strong": "Strong momentum",
    "outreach_unanswered": "Outreach unanswered",
    "unmapped_stakeholder": "Stakeholder not in the CRM",
    "buying_constraint": "Buying constraint",
    "close_date_unreachable": "Close date cannot hold",
    "price_comparison": "Competitor price comparison",
    "meeting_booked": "Meeting booked",
}


class SignalRef(Contract):
    """A fact computed from the input that fed the decision, with where it came from."""

    id: str
    label: str
    severity: Severity
    detail: str
    citations: list[str] = Field(default_factory=list)
