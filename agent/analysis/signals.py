"""Signals: small, named, deterministic facts about a deal, each with its evidence.

This module holds the vocabulary (SIGNAL_LABELS), what the rules read (Facts) and the rule
machinery; the rules live in signals_people (the buying group) and signals_deal (activity,
stage, timeline, competition, risk, evidence, paperwork). Plays in knowledge/plays name these
ids in their front matter; a play naming an id not in SIGNAL_LABELS is rejected on loading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import get_args

from agent.analysis.model import CriterionStatus, Evidence, Signal, StakeholderEngagement
from agent.analysis.stage import StagePosition
from agent.contracts.base import Severity
from agent.contracts.context import DealContext
from agent.contracts.upstream import Phase

PHASES: tuple[Phase, ...] = get_args(Phase)
EB_LATE_PHASES: tuple[Phase, ...] = ("proposal", "negotiate", "close")

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
}

ORDER = {sid: i for i, sid in enumerate(SIGNAL_LABELS)}


@dataclass(frozen=True)
class Facts:
    """Everything the rules read, computed once by agent.analysis.analyze."""

    ctx: DealContext
    as_of: dt.date
    position: StagePosition
    people: list[StakeholderEngagement]
    evidence: dict[str, Evidence]
    exit_criteria: list[CriterionStatus]
    earlier_unmet: list[CriterionStatus]
    days_since_last_activity: int | None
    last_activity_ref: str | None
    activities_30d: int
    activities_prev_30d: int
    days_to_close: int

    def phase_at_least(self, phase: Phase) -> bool:
        """Unknown phase (no process, unrecognised stage) counts as every phase."""
        current = self.position.phase
        return current is None or PHASES.index(current) >= PHASES.index(phase)


Rule = Callable[[Facts], Signal | None]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def make_signal(sid: str, severity: Severity, detail: str, citations: list[str]) -> Signal:
    return Signal(
        id=sid, label=SIGNAL_LABELS[sid], severity=severity, detail=detail, citations=citations
    )


def ladder(value: float, steps: tuple[tuple[float, Severity], ...]) -> Severity:
    """Highest severity whose threshold the value reaches; steps are ascending."""
    result: Severity = "low"
    for threshold, severity in steps:
        if value >= threshold:
            result = severity
    return result


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def late_stage(f: Facts) -> bool:
    return f.position.phase in EB_LATE_PHASES


def by_role(f: Facts, role: str) -> list[StakeholderEngagement]:
    return [p for p in f.people if p.role == role]


def detect(facts: Facts) -> list[Signal]:
    """Every rule's signal, in vocabulary order (so output does not depend on which module a
    rule lives in)."""
    from agent.analysis import signals_deal, signals_people  # noqa: F401 - they register rules

    found = [s for check in RULES if (s := check(facts)) is not None]
    return sorted(found, key=lambda s: ORDER[s.id])
