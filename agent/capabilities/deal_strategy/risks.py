"""Risks to retire, in the order a coach retires them: what blocks signature first comes
first (a constraint that stops the deal before everything), then by severity; each with the
first step of the play that answers it, else what a coach would ask for, and a date.
"""

from __future__ import annotations

import datetime as dt

from agent.analysis.model import Analysis, Signal
from agent.capabilities.common.playbook import fill, list_items
from agent.capabilities.deal_strategy.contract import RiskToRetire
from knowledge.plays import Play

# What blocks signature first comes first; positive or purely informational signals are not risks.
RISK_ORDER = (
    "stage_ahead_of_evidence",
    "economic_buyer_unknown",
    "economic_buyer_not_engaged",
    "no_champion",
    "champion_gone_quiet",
    "outreach_unanswered",
    "blocker_present",
    "negative_sentiment",
    "single_threaded",
    "buying_constraint",
    "pain_unconfirmed",
    "value_case_missing",
    "budget_unconfirmed",
    "decision_process_unknown",
    "decision_criteria_unknown",
    "competitive_bakeoff",
    "price_comparison",
    "high_risk",
    "mutual_plan_missing",
    "procurement_not_engaged",
    "legal_not_started",
    "close_date_passed",
    "close_date_slipped",
    "stage_overdue",
    "no_recent_activity",
    "activity_cadence_dropping",
    "no_next_step",
)
# Risks no play requires on its own: what a coach would ask for.
FALLBACK_ACTIONS = {
    "high_risk": "Review the risk agent's factors with your manager and give each an owner",
    "stage_overdue": "Agree with the champion what must be true to leave this stage, and when",
    "close_date_near": "Check every remaining milestone fits before the close date",
    "competitive_bakeoff": "Lay the landmines below before the next evaluation meeting",
    "activity_cadence_dropping": "Put a dated meeting in the diary with the champion this week",
}
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _risk_rank(signal: Signal) -> tuple[int, int]:
    """Risks in the order a coach retires them; a constraint that stops the deal (a freeze, or
    a review that ends after the close date: high) comes before everything, one that only has
    to be planned for (medium) after the buying group's risks."""
    if signal.id == "buying_constraint" and signal.severity in ("high", "critical"):
        return (-1, SEVERITY_RANK[signal.severity])
    return (RISK_ORDER.index(signal.id), SEVERITY_RANK[signal.severity])


def risks_to_retire(
    analysis: Analysis,
    plays: tuple[Play, ...],
    values: dict[str, str],
    start: dt.date,
    deadline: dt.date,
) -> list[RiskToRetire]:
    ranked: list[Signal] = sorted(
        (s for s in analysis.signals if s.id in RISK_ORDER and s.severity != "low"),
        key=_risk_rank,
    )
    risks = []
    for n, signal in enumerate(ranked[:8], start=1):
        play = next((p for p in plays if signal.id in p.meta.requires_any), None)
        steps = list_items(play.text("what-to-do")) if play else []
        action = (
            fill(steps[0], values)
            if steps
            else FALLBACK_ACTIONS.get(
                signal.id, "Agree an owner and a date for resolving it with your champion"
            )
        )
        by = min(start + dt.timedelta(days=3 * n), max(deadline, start + dt.timedelta(days=3)))
        risks.append(
            RiskToRetire(
                order=n,
                signal=signal.id,
                risk=f"{signal.label}: {signal.detail}",
                severity=signal.severity,
                action=action,
                by=by,
                citations=[*signal.citations, *([play.ref("what-to-do")] if play else [])],
            )
        )
    return risks
