"""Signals: small, named, deterministic facts about a deal, each with its evidence.

This module holds the vocabulary (SIGNAL_LABELS), what the rules read (Facts) and the rule
machinery; the rules live in signals_people (the buying group), signals_activity, signals_stage,
signals_timeline (close date and constraints), signals_competition, signals_risk and
signals_evidence (missing evidence and the paperwork). Plays in knowledge/plays name these
ids in their front matter; a play naming an id not in SIGNAL_LABELS is rejected on loading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import get_args

from agent.analysis.model import (
    CriterionStatus,
    EconomicBuyer,
    Evidence,
    MentionedPerson,
    Signal,
    StakeholderEngagement,
)
from agent.analysis.stage import StagePosition
from agent.analysis.thresholds import BOOKED_SOON_DAYS
from agent.contracts.base import Severity
from agent.contracts.context import DealContext
from agent.contracts.facts import Fact, Reading
from agent.contracts.signals import SIGNAL_LABELS
from agent.contracts.upstream import Phase

PHASES: tuple[Phase, ...] = get_args(Phase)
EB_LATE_PHASES: tuple[Phase, ...] = ("proposal", "negotiate", "close")


ORDER = {sid: i for i, sid in enumerate(SIGNAL_LABELS)}


@dataclass(frozen=True)
class Facts:
    """Everything the rules read, computed once by agent.analysis.analyze."""

    ctx: DealContext
    as_of: dt.date
    position: StagePosition
    people: list[StakeholderEngagement]
    reading: Reading
    mentioned: list[MentionedPerson]
    buyer: EconomicBuyer | None
    evidence: dict[str, Evidence]
    exit_criteria: list[CriterionStatus]
    earlier_unmet: list[CriterionStatus]
    days_since_last_activity: int | None
    last_activity_ref: str | None
    activities_30d: int
    activities_prev_30d: int
    days_to_close: int

    def booked_soon(self) -> list[Fact]:
        return booked_soon(self.reading, self.as_of)

    def phase_at_least(self, phase: Phase) -> bool:
        """Unknown phase (no process, unrecognised stage) counts as every phase."""
        current = self.position.phase
        return current is None or PHASES.index(current) >= PHASES.index(phase)


def booked_soon(reading: Reading, as_of: dt.date) -> list[Fact]:
    """Meetings on the calendar within BOOKED_SOON_DAYS: a quiet spell before one is the wait
    for it, not a stall (the signals and the momentum read it the same way)."""
    horizon = as_of + dt.timedelta(days=BOOKED_SOON_DAYS)
    return [m for m in reading.of("meeting") if m.on is not None and as_of < m.on <= horizon]


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
    """Who holds the role now (someone who has left does not)."""
    return [p for p in f.people if p.role == role and not p.left]


def detect(facts: Facts) -> list[Signal]:
    """Every rule's signal, in vocabulary order (so output does not depend on which module a
    rule lives in)."""
    from agent.analysis import (  # noqa: F401 - they register rules
        signals_activity,
        signals_competition,
        signals_evidence,
        signals_people,
        signals_risk,
        signals_stage,
        signals_timeline,
    )

    found = [s for check in RULES if (s := check(facts)) is not None]
    return sorted(found, key=lambda s: ORDER[s.id])
