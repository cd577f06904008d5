"""Signals about the deal's activity: how long it has been quiet, whether the
cadence is dropping or the momentum strong, and whether a next step or a meeting is booked.

The rules register themselves with agent.analysis.signals (`@rule`); detect() imports this
module and sorts every signal into the vocabulary's order.
"""

from __future__ import annotations

from agent.analysis.model import Signal
from agent.analysis.signals import Facts, ladder, make_signal, rule
from agent.analysis.thresholds import (
    MOMENTUM_MIN_ACTIVITIES,
    MOMENTUM_RECENT_DAYS,
    QUIET_DAYS,
    STALLED_DAYS,
)


@rule
def _no_recent_activity(f: Facts) -> Signal | None:
    days = f.days_since_last_activity
    if days is None:
        return make_signal(
            "no_recent_activity",
            "high",
            "no activity has been logged on this deal",
            ["deal.activities"],
        )
    if days <= QUIET_DAYS or (days <= STALLED_DAYS and f.booked_soon()):
        return None  # quiet, but waiting for a meeting on the calendar soon
    severity = ladder(days, ((15, "medium"), (29, "high"), (46, "critical")))
    return make_signal(
        "no_recent_activity",
        severity,
        f"last activity was {days} days ago",
        [f.last_activity_ref] if f.last_activity_ref else [],
    )


@rule
def _cadence(f: Facts) -> Signal | None:
    if f.activities_prev_30d >= 2 and f.activities_30d < f.activities_prev_30d:
        return make_signal(
            "activity_cadence_dropping",
            "low",
            f"{f.activities_30d} activities in the last 30 days against "
            f"{f.activities_prev_30d} in the 30 days before",
            ["deal.activities"],
        )
    return None


@rule
def _no_next_step(f: Facts) -> Signal | None:
    deal = f.ctx.deal
    scheduled = [i for i, a in enumerate(deal.activities) if a.date > f.as_of]
    if scheduled or f.reading.of("meeting"):
        return None
    if deal.next_step and deal.next_step_date and deal.next_step_date >= f.as_of:
        return None
    if deal.next_step and deal.next_step_date:
        detail = f"the recorded next step was due {deal.next_step_date.isoformat()}"
        return make_signal("no_next_step", "medium", detail, ["deal.next_step_date"])
    return make_signal(
        "no_next_step",
        "medium",
        "no dated next step is recorded",
        ["deal.next_step"] if deal.next_step else [],
    )


@rule
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
    return make_signal(
        "momentum_strong",
        "low",
        f"{f.activities_30d} activities in the last 30 days, the latest {days} days ago",
        [f.last_activity_ref] if f.last_activity_ref else [],
    )


@rule
def _meeting_booked(f: Facts) -> Signal | None:
    meetings = sorted(f.reading.of("meeting"), key=lambda m: m.on or f.as_of)
    if not meetings:
        return None
    first = meetings[0]
    when = first.on.isoformat() if first.on else "soon"
    return make_signal(
        "meeting_booked",
        "low",
        f"a meeting is booked for {when}: {first.quote}",
        list(dict.fromkeys(m.ref for m in meetings)),
    )
