"""Signals about the close date: pushed, passed or near, and what stands between
the deal and signature (a freeze, a review, a tender, a committee), the more when it lifts after
the expected close.

The rules register themselves with agent.analysis.signals (`@rule`).
"""

from __future__ import annotations

import datetime as dt

from agent.analysis.model import Signal
from agent.analysis.signals import Facts, make_signal, plural, rule
from agent.analysis.thresholds import CLOSE_NEAR_DAYS
from agent.contracts.base import Severity
from agent.contracts.facts import Fact


@rule
def _close_slipped(f: Facts) -> Signal | None:
    pushes = [i for i, c in enumerate(f.ctx.deal.close_date_history) if c.to_date > c.from_date]
    if not pushes:
        return None
    severity: Severity = "high" if len(pushes) >= 2 else "medium"
    return make_signal(
        "close_date_slipped",
        severity,
        f"the close date has been pushed {plural(len(pushes), 'time', 'times')}",
        [f"deal.close_date_history[{i}]" for i in pushes],
    )


@rule
def _close_passed(f: Facts) -> Signal | None:
    if f.days_to_close >= 0:
        return None
    return make_signal(
        "close_date_passed",
        "high",
        f"the expected close date passed {-f.days_to_close} days ago",
        ["deal.expected_close"],
    )


@rule
def _close_near(f: Facts) -> Signal | None:
    if not 0 <= f.days_to_close <= CLOSE_NEAR_DAYS:
        return None
    severity: Severity = "high" if f.days_to_close <= 14 else "medium"
    return make_signal(
        "close_date_near",
        severity,
        f"expected close in {f.days_to_close} days",
        ["deal.expected_close"],
    )


def _finishes(f: Facts, fact: Fact) -> dt.date | None:
    """When a constraint lifts: its date, else its written duration from today's date."""
    if fact.until is not None:
        return fact.until
    if fact.on is not None:
        return fact.on
    if fact.weeks is not None:
        return f.as_of + dt.timedelta(days=round(fact.weeks[1] * 7))
    return None


def _constraints(f: Facts) -> tuple[list[Fact], list[Fact]]:
    """The constraints the text names, and those that lift after the expected close."""
    found = [
        c
        for c in f.reading.of("constraint")
        if c.constraint != "legal_review" or c.weeks is not None
    ]
    close = f.ctx.deal.expected_close
    return found, [c for c in found if (end := _finishes(f, c)) is not None and end > close]


@rule
def _close_unreachable(f: Facts) -> Signal | None:
    """The close date cannot hold: a freeze, a tender, a review or a committee ends after it,
    or spending is frozen with no end in sight. Nothing can be signed on that date, so the
    plan to signature has to be rebuilt with the customer (a step the record only names, or a
    committee sitting before the close, leaves the date standing)."""
    found, late = _constraints(f)
    open_ended = [c for c in found if c.constraint == "budget_freeze" and _finishes(f, c) is None]
    blocking = late + [c for c in open_ended if c not in late]
    if not blocking:
        return None
    close = f.ctx.deal.expected_close.isoformat()
    detail = f"{blocking[0].quote} (the expected close is {close})"
    return make_signal(
        "close_date_unreachable",
        "high",
        detail,
        [*dict.fromkeys(c.ref for c in blocking), "deal.expected_close"],
    )


@rule
def _constraint(f: Facts) -> Signal | None:
    """A freeze, a review or a committee standing between the deal and signature; worse when
    it lifts after the expected close."""
    found, late = _constraints(f)
    if not found:
        return None
    close = f.ctx.deal.expected_close
    frozen = [c for c in found if c.constraint == "budget_freeze"]
    tender = [c for c in found if c.constraint == "tender"]
    # a committee that sits on a known date before the close is the decision itself, in time
    in_time = [
        c for c in found if c.constraint == "approval" and c.until is not None and c not in late
    ]
    timed = [c for c in found if _finishes(f, c) is not None and c not in in_time]
    # critical: spending is frozen past the close date (or with no end in sight), or a tender
    # the customer must run outlasts it: nothing can be signed on plan, and a tender must be
    # won again against other bids; high: it stops the deal (a freeze, a tender) or outlasts
    # the close date; medium: a step with a known length to plan for; low: a step the record
    # only names, or an approval dated before the close
    stuck = [c for c in frozen if c in late or _finishes(f, c) is None]
    stuck += [c for c in tender if c in late]
    severity: Severity = (
        "critical"
        if stuck
        else "high"
        if late or frozen or tender
        else ("medium" if timed else "low")
    )
    parts = [c.quote for c in (stuck or late or frozen or tender or found)[:2]]
    detail = "; ".join(parts)
    if late:
        detail += f" (lifts after the expected close, {close.isoformat()})"
    return make_signal(
        "buying_constraint", severity, detail, list(dict.fromkeys(c.ref for c in found))
    )
