"""Signal rules: small, named, deterministic facts about a deal, each with its evidence.

Plays in knowledge/plays name these ids in their front matter; a play naming an id that is
not in SIGNAL_LABELS is rejected when the plays are loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import get_args

from agent.analysis.engagement import is_active
from agent.analysis.model import CriterionStatus, Evidence, Signal, StakeholderEngagement
from agent.analysis.stage import StagePosition
from agent.analysis.thresholds import (
    CLOSE_NEAR_DAYS,
    MOMENTUM_MIN_ACTIVITIES,
    MOMENTUM_RECENT_DAYS,
    QUIET_DAYS,
)
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


def _rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def _signal(sid: str, severity: Severity, detail: str, citations: list[str]) -> Signal:
    return Signal(
        id=sid, label=SIGNAL_LABELS[sid], severity=severity, detail=detail, citations=citations
    )


def _ladder(value: float, steps: tuple[tuple[float, Severity], ...]) -> Severity:
    """Highest severity whose threshold the value reaches; steps are ascending."""
    result: Severity = "low"
    for threshold, severity in steps:
        if value >= threshold:
            result = severity
    return result


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _late(f: Facts) -> bool:
    return f.position.phase in EB_LATE_PHASES


def _economic_buyer_severity(f: Facts) -> Severity:
    """An absent economic buyer matters more the closer the deal is to signature."""
    if _late(f):
        return "critical"
    return "high" if f.phase_at_least("solution") else "medium"


@_rule
def _no_recent_activity(f: Facts) -> Signal | None:
    days = f.days_since_last_activity
    if days is None:
        return _signal(
            "no_recent_activity",
            "high",
            "no activity has been logged on this deal",
            ["deal.activities"],
        )
    if days <= QUIET_DAYS:
        return None
    severity = _ladder(days, ((15, "medium"), (29, "high"), (46, "critical")))
    return _signal(
        "no_recent_activity",
        severity,
        f"last activity was {days} days ago",
        [f.last_activity_ref] if f.last_activity_ref else [],
    )


@_rule
def _cadence(f: Facts) -> Signal | None:
    if f.activities_prev_30d >= 2 and f.activities_30d < f.activities_prev_30d:
        return _signal(
            "activity_cadence_dropping",
            "low",
            f"{f.activities_30d} activities in the last 30 days against "
            f"{f.activities_prev_30d} in the 30 days before",
            ["deal.activities"],
        )
    return None


def _role(f: Facts, role: str) -> list[StakeholderEngagement]:
    return [p for p in f.people if p.role == role]


@_rule
def _champion_quiet(f: Facts) -> Signal | None:
    for champ in _role(f, "champion"):
        days = champ.days_since_touch
        if days is not None and days <= QUIET_DAYS:
            return None
    champs = _role(f, "champion")
    if not champs:
        return None
    champ = champs[0]
    cites = [f"deal.contacts[{champ.index}]"]
    if champ.activity_indices:
        cites.append(f"deal.activities[{champ.activity_indices[-1]}]")
    if champ.days_since_touch is None:
        detail = f"{champ.name} ({champ.title}) has never taken part in an activity"
        days = 999
    else:
        detail = f"{champ.name} ({champ.title}) last engaged {champ.days_since_touch} days ago"
        days = champ.days_since_touch
    others = [p for p in f.people if p.role != "champion" and p.level == "engaged"]
    if others:
        detail += f", while {others[0].name} is still engaged"
        cites.append(f"deal.contacts[{others[0].index}]")
    severity = _ladder(days, ((15, "medium"), (22, "high")))
    if _late(f) and severity == "medium":
        severity = "high"
    return _signal("champion_gone_quiet", severity, detail, cites)


@_rule
def _no_champion(f: Facts) -> Signal | None:
    if _role(f, "champion"):
        return None
    severity: Severity = "high" if f.phase_at_least("solution") else "medium"
    return _signal("no_champion", severity, "no contact is recorded as champion", ["deal.contacts"])


@_rule
def _eb_unknown(f: Facts) -> Signal | None:
    if _role(f, "economic_buyer"):
        return None
    if not f.phase_at_least("discover"):
        return None
    severity = _economic_buyer_severity(f)
    return _signal(
        "economic_buyer_unknown",
        severity,
        f"no economic buyer identified at stage {f.ctx.deal.stage}",
        ["deal.contacts"],
    )


@_rule
def _eb_not_engaged(f: Facts) -> Signal | None:
    ebs = _role(f, "economic_buyer")
    if not ebs or any(p.activity_indices for p in ebs):
        return None
    eb = ebs[0]
    severity = _economic_buyer_severity(f)
    return _signal(
        "economic_buyer_not_engaged",
        severity,
        f"{eb.name} ({eb.title}) is the economic buyer and has not taken part in any activity",
        [f"deal.contacts[{eb.index}]"],
    )


@_rule
def _single_threaded(f: Facts) -> Signal | None:
    active = [p for p in f.people if is_active(p)]
    if len(active) > 1 or not f.phase_at_least("qualify"):
        return None
    who = f"only {active[0].name} is active" if active else "no stakeholder is active"
    cites = [f"deal.contacts[{p.index}]" for p in active] or ["deal.contacts"]
    severity: Severity = "high" if f.phase_at_least("proposal") else "medium"
    return _signal("single_threaded", severity, f"{who} in the last 30 days", cites)


@_rule
def _stage_overdue(f: Facts) -> Signal | None:
    expected = f.position.expected_days
    if not expected or f.position.days_in_stage <= expected:
        return None
    ratio = f.position.days_in_stage / expected
    severity = _ladder(ratio, ((1.0, "medium"), (1.5, "high"), (2.0, "critical")))
    cites = [c for c in (f.position.entered_ref, f.position.ref) if c]
    return _signal(
        "stage_overdue",
        severity,
        f"{f.position.days_in_stage} days in {f.ctx.deal.stage} against an expected {expected}",
        cites,
    )


@_rule
def _stage_ahead(f: Facts) -> Signal | None:
    if not f.earlier_unmet:
        return None
    names = "; ".join(f"{c.stage}: {c.description}" for c in f.earlier_unmet[:4])
    # One missed criterion is a gap; many mean the stage itself is not real.
    severity = _ladder(len(f.earlier_unmet), ((2, "medium"), (4, "high"), (6, "critical")))
    return _signal(
        "stage_ahead_of_evidence",
        severity,
        f"{_count(len(f.earlier_unmet), 'exit criterion', 'exit criteria')} of earlier "
        f"stages unmet ({names})",
        [c.ref for c in f.earlier_unmet],
    )


@_rule
def _exit_unmet(f: Facts) -> Signal | None:
    unmet = [c for c in f.exit_criteria if c.met is False]
    if not unmet:
        return None
    names = "; ".join(c.description for c in unmet)
    severity: Severity = "medium" if len(unmet) > 1 else "low"
    return _signal(
        "exit_criteria_unmet",
        severity,
        f"{len(unmet)} of {len(f.exit_criteria)} exit criteria of {f.ctx.deal.stage} open: {names}",
        [c.ref for c in unmet],
    )


@_rule
def _exit_met(f: Facts) -> Signal | None:
    checked = [c for c in f.exit_criteria if c.met is not None]
    if not checked or any(c.met is False for c in checked) or f.earlier_unmet:
        return None
    cites = [c.ref for c in checked] + [x for c in checked for x in c.citations]
    return _signal(
        "exit_criteria_met",
        "low",
        f"all {len(checked)} exit criteria of {f.ctx.deal.stage} are met",
        cites,
    )


@_rule
def _close_slipped(f: Facts) -> Signal | None:
    pushes = [i for i, c in enumerate(f.ctx.deal.close_date_history) if c.to_date > c.from_date]
    if not pushes:
        return None
    severity: Severity = "high" if len(pushes) >= 2 else "medium"
    return _signal(
        "close_date_slipped",
        severity,
        f"the close date has been pushed {_count(len(pushes), 'time', 'times')}",
        [f"deal.close_date_history[{i}]" for i in pushes],
    )


@_rule
def _close_passed(f: Facts) -> Signal | None:
    if f.days_to_close >= 0:
        return None
    return _signal(
        "close_date_passed",
        "high",
        f"the expected close date passed {-f.days_to_close} days ago",
        ["deal.expected_close"],
    )


@_rule
def _close_near(f: Facts) -> Signal | None:
    if not 0 <= f.days_to_close <= CLOSE_NEAR_DAYS:
        return None
    severity: Severity = "high" if f.days_to_close <= 14 else "medium"
    return _signal(
        "close_date_near",
        severity,
        f"expected close in {f.days_to_close} days",
        ["deal.expected_close"],
    )


@_rule
def _competitor(f: Facts) -> Signal | None:
    comps = f.ctx.deal.competitors
    if not comps:
        return None
    return _signal(
        "competitor_present",
        "low",
        "competing against " + ", ".join(comps),
        [f"deal.competitors[{i}]" for i in range(len(comps))],
    )


@_rule
def _bakeoff(f: Facts) -> Signal | None:
    comps = f.ctx.deal.competitors
    position = f.ctx.qualification.competitive_position if f.ctx.qualification else "unknown"
    if not comps or (len(comps) < 2 and position not in ("even", "trailing")):
        return None
    cites = [f"deal.competitors[{i}]" for i in range(len(comps))]
    detail = (
        f"{_count(len(comps), 'competitor', 'competitors')} in the evaluation: {', '.join(comps)}"
    )
    if position in ("even", "trailing"):
        detail += f"; our position is assessed as {position}"
        cites.append("qualification.competitive_position")
    severity: Severity = "high" if position == "trailing" or len(comps) >= 2 else "medium"
    return _signal("competitive_bakeoff", severity, detail, cites)


@_rule
def _negative(f: Facts) -> Signal | None:
    unhappy = [p for p in f.people if p.sentiment == "negative" and p.influence != "low"]
    if not unhappy:
        return None
    severity: Severity = "high" if any(p.influence == "high" for p in unhappy) else "medium"
    names = ", ".join(f"{p.name} ({p.title})" for p in unhappy)
    return _signal(
        "negative_sentiment",
        severity,
        f"negative sentiment: {names}",
        [f"deal.contacts[{p.index}]" for p in unhappy],
    )


@_rule
def _blocker(f: Facts) -> Signal | None:
    blockers = _role(f, "blocker")
    if not blockers:
        return None
    names = ", ".join(f"{p.name} ({p.title})" for p in blockers)
    return _signal(
        "blocker_present",
        "high",
        f"blocker in the buying group: {names}",
        [f"deal.contacts[{p.index}]" for p in blockers],
    )


@_rule
def _high_risk(f: Facts) -> Signal | None:
    risk = f.ctx.risk
    if risk is None or risk.overall_severity not in ("high", "critical"):
        return None
    serious = [i for i, r in enumerate(risk.factors) if r.severity in ("high", "critical")]
    top = "; ".join(risk.factors[i].description.rstrip(".") for i in serious[:3])
    detail = f"the deal risk agent rates overall risk {risk.overall_severity}"
    return _signal(
        "high_risk",
        risk.overall_severity,
        detail + (f": {top}" if top else ""),
        ["risk.overall_severity", *[f"risk.factors[{i}]" for i in serious]],
    )


# Where the evidence would live when it is absent: cited so the reader sees what is empty.
EVIDENCE_HOME = {
    "pain_confirmed": "discovery.pains",
    "value_case_shared": "value",
    "decision_process_known": "discovery.buying_process",
    "decision_criteria_known": "discovery.decision_criteria",
    "budget_confirmed": "discovery.budget_confirmed",
    "mutual_action_plan_agreed": "deal.mutual_action_plan",
}


def gap_citations(f: Facts, check: str) -> list[str]:
    """For missing evidence: the exit criteria that require it, else where it would be."""
    cites = list(f.evidence[check].citations)
    if f.ctx.process:
        cites += [
            f"process.stages[{s}].exit_criteria[{c}]"
            for s, stage in enumerate(f.ctx.process.stages)
            for c, crit in enumerate(stage.exit_criteria)
            if crit.check == check
        ]
    if cites:
        return cites
    home = EVIDENCE_HOME.get(check, "deal")
    root = home.split(".")[0]
    return [root if root != "deal" and getattr(f.ctx, root) is None else home]


def _evidence_gap(
    f: Facts, sid: str, check: str, phase: Phase, severity: Severity
) -> Signal | None:
    found = f.evidence[check]
    if found.met or not f.phase_at_least(phase):
        return None
    return _signal(sid, severity, found.detail, gap_citations(f, check))


@_rule
def _pain(f: Facts) -> Signal | None:
    return _evidence_gap(f, "pain_unconfirmed", "pain_confirmed", "discover", "medium")


@_rule
def _value(f: Facts) -> Signal | None:
    return _evidence_gap(f, "value_case_missing", "value_case_shared", "solution", "medium")


@_rule
def _process_unknown(f: Facts) -> Signal | None:
    return _evidence_gap(
        f, "decision_process_unknown", "decision_process_known", "discover", "medium"
    )


@_rule
def _criteria_unknown(f: Facts) -> Signal | None:
    return _evidence_gap(
        f, "decision_criteria_unknown", "decision_criteria_known", "discover", "medium"
    )


@_rule
def _budget(f: Facts) -> Signal | None:
    return _evidence_gap(f, "budget_unconfirmed", "budget_confirmed", "solution", "medium")


@_rule
def _no_next_step(f: Facts) -> Signal | None:
    deal = f.ctx.deal
    scheduled = [i for i, a in enumerate(deal.activities) if a.date > f.as_of]
    if scheduled:
        return None
    if deal.next_step and deal.next_step_date and deal.next_step_date >= f.as_of:
        return None
    if deal.next_step and deal.next_step_date:
        detail = f"the recorded next step was due {deal.next_step_date.isoformat()}"
        return _signal("no_next_step", "medium", detail, ["deal.next_step_date"])
    return _signal(
        "no_next_step",
        "medium",
        "no dated next step is recorded",
        ["deal.next_step"] if deal.next_step else [],
    )


@_rule
def _no_map(f: Facts) -> Signal | None:
    if f.position.phase not in ("proposal", "negotiate"):
        return None
    found = f.evidence["mutual_action_plan_agreed"]
    if found.met:
        return None
    return _signal(
        "mutual_plan_missing",
        "medium" if f.position.phase == "proposal" else "high",
        found.detail,
        gap_citations(f, "mutual_action_plan_agreed"),
    )


@_rule
def _procurement(f: Facts) -> Signal | None:
    if f.position.phase not in ("proposal", "negotiate") or f.evidence["procurement_engaged"].met:
        return None
    bp = f.ctx.discovery.buying_process if f.ctx.discovery else None
    required = bp.procurement_required if bp else None
    if required is False or (required is None and f.position.phase != "negotiate"):
        return None
    cites = ["discovery.buying_process"] if bp else []
    return _signal(
        "procurement_not_engaged",
        "medium",
        f.evidence["procurement_engaged"].detail,
        cites + f.evidence["procurement_engaged"].citations,
    )


@_rule
def _legal(f: Facts) -> Signal | None:
    if f.position.phase != "negotiate" or f.evidence["legal_review_started"].met:
        return None
    bp = f.ctx.discovery.buying_process if f.ctx.discovery else None
    if bp and bp.legal_review_required is False:
        return None
    return _signal(
        "legal_not_started",
        "medium",
        f.evidence["legal_review_started"].detail,
        f.evidence["legal_review_started"].citations,
    )


@_rule
def _momentum(f: Facts) -> Signal | None:
    days = f.days_since_last_activity
    if days is None or days > MOMENTUM_RECENT_DAYS or f.activities_30d < MOMENTUM_MIN_ACTIVITIES:
        return None
    recent_bad = [
        i
        for i, a in enumerate(f.ctx.deal.activities)
        if 0 <= (f.as_of - a.date).days <= 30 and a.outcome in ("negative", "no_show")
    ]
    if recent_bad:
        return None
    return _signal(
        "momentum_strong",
        "low",
        f"{f.activities_30d} activities in the last 30 days, the latest {days} days ago",
        [f.last_activity_ref] if f.last_activity_ref else [],
    )


def detect(facts: Facts) -> list[Signal]:
    return [s for rule in RULES if (s := rule(facts)) is not None]
