"""Signals about the deal's stage: overdue against the process's expected days, ahead
of its evidence (earlier stages' exit criteria unmet), and this stage's exit criteria open or all
met.

The rules register themselves with agent.analysis.signals (`@rule`).
"""

from __future__ import annotations

from agent.analysis.model import Signal
from agent.analysis.signals import Facts, ladder, make_signal, plural, rule
from agent.contracts.base import Severity


@rule
def _stage_overdue(f: Facts) -> Signal | None:
    expected = f.position.expected_days
    if not expected or f.position.days_in_stage <= expected:
        return None
    ratio = f.position.days_in_stage / expected
    severity = ladder(ratio, ((1.0, "medium"), (1.5, "high"), (2.0, "critical")))
    cites = [c for c in (f.position.entered_ref, f.position.ref) if c]
    return make_signal(
        "stage_overdue",
        severity,
        f"{f.position.days_in_stage} days in {f.ctx.deal.stage} against an expected {expected}",
        cites,
    )


@rule
def _stage_ahead(f: Facts) -> Signal | None:
    if not f.earlier_unmet:
        return None
    names = "; ".join(f"{c.stage}: {c.description}" for c in f.earlier_unmet[:4])
    # One missed criterion is a gap; many mean the stage itself is not real.
    severity = ladder(len(f.earlier_unmet), ((2, "medium"), (4, "high"), (6, "critical")))
    return make_signal(
        "stage_ahead_of_evidence",
        severity,
        f"{plural(len(f.earlier_unmet), 'exit criterion', 'exit criteria')} of earlier "
        f"stages unmet ({names})",
        [c.ref for c in f.earlier_unmet],
    )


@rule
def _exit_unmet(f: Facts) -> Signal | None:
    unmet = [c for c in f.exit_criteria if c.met is False]
    if not unmet:
        return None
    names = "; ".join(c.description for c in unmet)
    severity: Severity = "medium" if len(unmet) > 1 else "low"
    return make_signal(
        "exit_criteria_unmet",
        severity,
        f"{len(unmet)} of {len(f.exit_criteria)} exit criteria of {f.ctx.deal.stage} open: {names}",
        [c.ref for c in unmet],
    )


@rule
def _exit_met(f: Facts) -> Signal | None:
    checked = [c for c in f.exit_criteria if c.met is not None]
    unknown = [c for c in f.exit_criteria if c.unknown]
    if not checked or any(c.met is False for c in checked) or f.earlier_unmet or unknown:
        return None  # "all met" only when none of them is merely unknown
    cites = [c.ref for c in checked] + [x for c in checked for x in c.citations]
    return make_signal(
        "exit_criteria_met",
        "low",
        f"all {len(checked)} exit criteria of {f.ctx.deal.stage} are met",
        cites,
    )
