"""Signals about the deal itself: activity, stage and exit criteria, timeline, competition,
risk, missing evidence and the paperwork to signature."""

from __future__ import annotations

import datetime as dt

from agent.analysis.model import Signal
from agent.analysis.signals import (
    Facts,
    ladder,
    make_signal,
    plural,
    rule,
)
from agent.analysis.thresholds import (
    CLOSE_NEAR_DAYS,
    MOMENTUM_MIN_ACTIVITIES,
    MOMENTUM_RECENT_DAYS,
    QUIET_DAYS,
)
from agent.contracts.base import Severity
from agent.contracts.facts import Fact
from agent.contracts.upstream import Phase
from agent.reading.constraint_details import bidders_in


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
    if days <= QUIET_DAYS:
        return None
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


@rule
def _competitor(f: Facts) -> Signal | None:
    comps = f.ctx.deal.competitors
    if not comps:
        return None
    return make_signal(
        "competitor_present",
        "low",
        "competing against " + ", ".join(comps),
        [f"deal.competitors[{i}]" for i in range(len(comps))],
    )


@rule
def _bakeoff(f: Facts) -> Signal | None:
    """Two or more vendors, or an even or trailing position; or a tender the customer must run,
    which invites other vendors by construction (high when it asks for three offers or more)."""
    comps = f.ctx.deal.competitors
    position = f.ctx.qualification.competitive_position if f.ctx.qualification else "unknown"
    tenders = [c for c in f.reading.of("constraint") if c.constraint == "tender"]
    if tenders and (not comps or (len(comps) < 2 and position not in ("even", "trailing"))):
        bidders = max((bidders_in(t.quote) or 0 for t in tenders), default=0)
        return make_signal(
            "competitive_bakeoff",
            "high" if bidders >= 3 or position == "trailing" else "medium",
            f"the customer must buy through a competitive process: {tenders[0].quote}",
            [
                *dict.fromkeys(t.ref for t in tenders),
                *(f"deal.competitors[{i}]" for i in range(len(comps))),
            ],
        )
    if not comps or (len(comps) < 2 and position not in ("even", "trailing")):
        return None
    cites = [f"deal.competitors[{i}]" for i in range(len(comps))]
    detail = (
        f"{plural(len(comps), 'competitor', 'competitors')} in the evaluation: {', '.join(comps)}"
    )
    if position in ("even", "trailing"):
        detail += f"; our position is assessed as {position}"
        cites.append("qualification.competitive_position")
    severity: Severity = "high" if position == "trailing" or len(comps) >= 2 else "medium"
    return make_signal("competitive_bakeoff", severity, detail, cites)


@rule
def _high_risk(f: Facts) -> Signal | None:
    risk = f.ctx.risk
    if risk is None or risk.overall_severity not in ("high", "critical"):
        return None
    serious = [i for i, r in enumerate(risk.factors) if r.severity in ("high", "critical")]
    top = "; ".join(risk.factors[i].description.rstrip(".") for i in serious[:3])
    detail = f"the deal risk agent rates overall risk {risk.overall_severity}"
    return make_signal(
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


@rule
def _price_comparison(f: Facts) -> Signal | None:
    claims = [c for c in f.reading.of("comparison") if c.claim == "price"]
    if not claims:
        return None
    # The figure and the words stay in the cited note: a price heard second-hand is a claim to
    # verify (capabilities/common/competition.py says so), not a fact to repeat in a factor.
    who = claims[0].competitor or "a competitor"
    return make_signal(
        "price_comparison",
        "medium",
        f"{who} is compared with us on price in the record",
        list(dict.fromkeys(c.ref for c in claims)),
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
