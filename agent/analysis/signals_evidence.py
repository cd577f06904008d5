"""Signals about missing evidence and the paperwork to signature: pain, value case,
decision process and criteria, budget, the mutual action plan, procurement and legal.

Evidence the record shows is missing is a gap; unknown evidence (its input absent) is none. A
gap cites the exit criteria that require it, else where the evidence would live, so the reader
sees what is empty. The rules register themselves with agent.analysis.signals (`@rule`).
"""

from __future__ import annotations

from agent.analysis.model import Signal
from agent.analysis.signals import Facts, make_signal, rule
from agent.analysis.thresholds import CLOSE_NEAR_DAYS
from agent.contracts.base import Severity
from agent.contracts.upstream import Phase

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
    """Evidence the record shows is missing; unknown evidence (its input absent) is no gap."""
    found = f.evidence[check]
    if found.met is not False or not f.phase_at_least(phase):
        return None
    return make_signal(sid, severity, found.detail, gap_citations(f, check))


@rule
def _pain(f: Facts) -> Signal | None:
    return _evidence_gap(f, "pain_unconfirmed", "pain_confirmed", "discover", "medium")


@rule
def _value(f: Facts) -> Signal | None:
    return _evidence_gap(f, "value_case_missing", "value_case_shared", "solution", "medium")


@rule
def _process_unknown(f: Facts) -> Signal | None:
    return _evidence_gap(
        f, "decision_process_unknown", "decision_process_known", "discover", "medium"
    )


@rule
def _criteria_unknown(f: Facts) -> Signal | None:
    return _evidence_gap(
        f, "decision_criteria_unknown", "decision_criteria_known", "discover", "medium"
    )


@rule
def _budget(f: Facts) -> Signal | None:
    return _evidence_gap(f, "budget_unconfirmed", "budget_confirmed", "solution", "medium")


@rule
def _no_map(f: Facts) -> Signal | None:
    if f.position.phase not in ("proposal", "negotiate"):
        return None
    found = f.evidence["mutual_action_plan_agreed"]
    if found.met is not False:
        return None
    return make_signal(
        "mutual_plan_missing",
        "medium" if f.position.phase == "proposal" else "high",
        found.detail,
        gap_citations(f, "mutual_action_plan_agreed"),
    )


@rule
def _procurement(f: Facts) -> Signal | None:
    if f.position.phase not in ("proposal", "negotiate") or f.evidence["procurement_engaged"].met:
        return None
    bp = f.ctx.discovery.buying_process if f.ctx.discovery else None
    required = bp.procurement_required if bp else None
    if required is False or (required is None and f.position.phase != "negotiate"):
        return None
    cites = ["discovery.buying_process"] if bp else []
    detail = f.evidence["procurement_engaged"].detail
    # In the paperwork stage, with the customer's own words (or discovery) saying the order
    # goes through procurement ("subject to supplier onboarding"), nobody from procurement is
    # on the critical path to signature: the more so with the close a month away or less.
    said = [c for c in f.reading.of("constraint") if c.constraint == "procurement"]
    severity: Severity = "medium"
    if f.position.phase == "negotiate" and (required or said):
        severity = "critical" if f.days_to_close <= CLOSE_NEAR_DAYS else "high"
    if said:
        detail += f'; the record says the order goes through procurement: "{said[-1].quote}"'
        cites += [said[-1].ref]
    return make_signal(
        "procurement_not_engaged",
        severity,
        detail,
        cites + f.evidence["procurement_engaged"].citations,
    )


@rule
def _legal(f: Facts) -> Signal | None:
    if f.position.phase != "negotiate" or f.evidence["legal_review_started"].met:
        return None
    bp = f.ctx.discovery.buying_process if f.ctx.discovery else None
    if bp and bp.legal_review_required is False:
        return None
    return make_signal(
        "legal_not_started",
        "medium",
        f.evidence["legal_review_started"].detail,
        f.evidence["legal_review_started"].citations,
    )
