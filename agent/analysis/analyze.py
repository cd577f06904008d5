"""analyze_deal: every computed fact about a deal, once per request, in microseconds."""

from __future__ import annotations

import datetime as dt

from agent.analysis.buying_group import (
    economic_buyer,
    mentioned_people,
    with_absences,
    with_departures,
)
from agent.analysis.closure import closure_of
from agent.analysis.engagement import stakeholder_engagement
from agent.analysis.evidence import evaluate_all
from agent.analysis.evidence_people import ever_multi_threaded
from agent.analysis.evidence_registry import Seen
from agent.analysis.model import Analysis, Evidence, GapStatus, MethodologyGap
from agent.analysis.signals import Facts, booked_soon, detect
from agent.analysis.stage import ProcessInView, criteria_status, locate
from agent.analysis.step_evidence import record_gap, still_unmet
from agent.analysis.thresholds import (
    ACTIVE_DAYS,
    MOMENTUM_RECENT_DAYS,
    STALLED_DAYS,
    THRESHOLDS,
)
from agent.contracts.context import DealContext
from agent.contracts.facts import Reading
from agent.contracts.signals import Momentum
from agent.reading.activity_index import activity_index
from agent.reading.read import read_deal

KEY_ROLES = ("economic_buyer", "champion", "technical_evaluator", "business_evaluator")

# MEDDICC elements and the evidence that confirms each; "partial" when only some holds.
MEDDICC: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Metrics", ("value_case_shared", "value_case_validated")),
    ("Economic Buyer", ("economic_buyer_identified", "economic_buyer_engaged")),
    ("Decision Criteria", ("decision_criteria_known",)),
    ("Decision Process", ("decision_process_known",)),
    ("Identify Pain", ("pain_confirmed",)),
    ("Champion", ("champion_identified",)),
)


def _methodology_gaps(ctx: DealContext, evidence: dict[str, Evidence]) -> list[MethodologyGap]:
    gaps = []
    for element, checks in MEDDICC:
        met = [evidence[c] for c in checks if evidence[c].met]
        unknown = all(evidence[c].met is None for c in checks)
        status: GapStatus = (
            "confirmed"
            if len(met) == len(checks)
            else ("partial" if met else ("unknown" if unknown else "missing"))
        )
        cites = [x for c in checks for x in evidence[c].citations]
        gaps.append(
            MethodologyGap(framework="MEDDICC", element=element, status=status, citations=cites)
        )
    competition: GapStatus = (
        "confirmed" if ctx.competitive else ("partial" if ctx.deal.competitors else "missing")
    )
    gaps.append(
        MethodologyGap(
            framework="MEDDICC",
            element="Competition",
            status=competition,
            citations=["competitive"] if ctx.competitive else [],
        )
    )
    return [g for g in gaps if g.status != "confirmed"]


def _momentum(
    days_since: int | None, last_30: int, prev_30: int, waiting: bool, stood_up: bool
) -> Momentum:
    """`waiting`: a meeting is on the calendar soon, so a quiet spell is no stalling.
    `stood_up`: this week the customer did not come to a meeting or a call (a no-show), so a
    busy month is not accelerating (the momentum_strong signal holds back for the same
    reason)."""
    if days_since is None or days_since > STALLED_DAYS:
        return "stalled"
    if not waiting and (days_since > 14 or (prev_30 >= 2 and last_30 < prev_30 / 2)):
        return "stalling"
    if days_since <= 7 and last_30 >= 3 and last_30 >= prev_30 and not stood_up:
        return "accelerating"
    return "steady"


def analyze_deal(
    ctx: DealContext,
    as_of: dt.date,
    reading: Reading | None = None,
    default_process: ProcessInView | None = None,
) -> Analysis:
    """Everything computed about the deal; `reading` is what the read step found in its free
    text (read here when the caller did not). A deal without process standards is read against
    `default_process` (the knowledge base's stage model) when its stage is one of that model's."""
    deal = ctx.deal
    reading = reading if reading is not None else read_deal(ctx, as_of)
    people = with_departures(stakeholder_engagement(deal, as_of), reading, as_of)
    people = with_absences(people, reading, as_of)
    mentioned = mentioned_people(reading)
    buyer = economic_buyer(deal, people, mentioned, reading)
    evidence = evaluate_all(ctx, people, as_of, Seen(reading, buyer))
    view = ProcessInView(ctx.process) if ctx.process else None
    if view is None and default_process and default_process.standard.index(deal.stage) is not None:
        view = default_process
    closure = closure_of(deal.stage, view.standard if view else None)
    if closure is not None and view is not None and view.standard.index(deal.stage) is None:
        view = None  # a closed stage the process does not list: no exit criteria to read
    position = locate(deal, view, as_of)
    # earlier stages are judged on what happened then, not on who is active today
    then = {**evidence, "multi_threaded": ever_multi_threaded(people)}
    current, earlier = criteria_status(view, position.index, evidence, then)
    gap = record_gap(deal, reading)
    earlier = still_unmet(earlier, view.standard if view else None, deal, gap, as_of)

    # the last activity with the customer: not an unanswered attempt, nor a meeting that did
    # not take place
    index = activity_index(deal)
    one_way = index.one_way | index.off
    past = [(i, a) for i, a in enumerate(deal.activities) if a.date <= as_of and i not in one_way]
    last_index, last = max(past, key=lambda p: (p[1].date, p[0]), default=(None, None))
    days_since = (as_of - last.date).days if last else None
    last_30 = sum(1 for _, a in past if (as_of - a.date).days <= ACTIVE_DAYS)
    prev_30 = sum(1 for _, a in past if ACTIVE_DAYS < (as_of - a.date).days <= 2 * ACTIVE_DAYS)
    stood_up = any(
        how.kind == "no_show"
        and 0 <= (as_of - deal.activities[i].date).days <= MOMENTUM_RECENT_DAYS
        for i, how in index.missed.items()
    )
    days_to_close = (deal.expected_close - as_of).days

    facts = Facts(
        ctx=ctx,
        as_of=as_of,
        position=position,
        people=people,
        reading=reading,
        mentioned=mentioned,
        buyer=buyer,
        evidence=evidence,
        exit_criteria=current,
        earlier_unmet=earlier,
        days_since_last_activity=days_since,
        last_activity_ref=f"deal.activities[{last_index}]" if last_index is not None else None,
        activities_30d=last_30,
        activities_prev_30d=prev_30,
        days_to_close=days_to_close,
    )
    roles: list[str] = sorted({p.role for p in people if p.role != "unknown"})
    return Analysis(
        as_of=as_of,
        stage=deal.stage,
        stage_ref=position.ref,
        phase=position.phase,
        next_stage=position.next_stage,
        days_in_stage=position.days_in_stage,
        stage_entered_ref=position.entered_ref,
        expected_days_in_stage=position.expected_days,
        days_to_close=days_to_close,
        days_since_last_activity=days_since,
        last_activity_ref=facts.last_activity_ref,
        activities_30d=last_30,
        activities_prev_30d=prev_30,
        momentum=_momentum(
            days_since, last_30, prev_30, bool(booked_soon(reading, as_of)), stood_up
        ),
        engagement=people,
        dmu_roles_present=roles,
        dmu_roles_missing=[r for r in KEY_ROLES if r not in roles],
        evidence=evidence,
        exit_criteria=current,
        earlier_unmet=earlier,
        methodology_gaps=_methodology_gaps(ctx, evidence),
        signals=detect(facts),
        thresholds=THRESHOLDS,
        reading=reading,
        mentioned=mentioned,
        economic_buyer=buyer,
        unknown=[name for name, e in evidence.items() if e.met is None],
        record_gap=gap,
        closure=closure,
    )
