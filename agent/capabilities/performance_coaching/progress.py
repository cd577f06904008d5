"""Progress against earlier advice: each recorded recommendation against the deal record now.

Followed means an activity after the advice, of a kind the advice asked for, with the people it
named; too early means nothing yet and the due date has not passed. Outcomes come from the
deal's stage: won, lost, advanced since the advice, or unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from agent.capabilities.performance_coaching.contract import Outcome, Progress, ProgressStatus
from agent.contracts.context import DealContext
from agent.contracts.rep import CoachingRecord, RepContext


def outcome_of(ctx: DealContext, since: dt.date, as_of: dt.date) -> tuple[Outcome, list[str]]:
    stage = ctx.deal.stage.lower()
    if "won" in stage:
        return "won", [f"{ctx.deal.id}:deal.stage"]
    if "lost" in stage:
        return "lost", [f"{ctx.deal.id}:deal.stage"]
    moved = [i for i, h in enumerate(ctx.deal.stage_history) if since < h.entered <= as_of]
    if moved:
        return "advanced", [f"{ctx.deal.id}:deal.stage_history[{i}]" for i in moved]
    return "no_change", [f"{ctx.deal.id}:deal.stage"]


def judge(record: CoachingRecord, index: int, ctx: DealContext, as_of: dt.date) -> Progress:
    """One recommendation (history[index]) against the deal as it stands on `as_of`."""
    deal = ctx.deal
    acted = [
        i
        for i, a in enumerate(deal.activities)
        if record.as_of < a.date <= as_of
        and a.type in record.activity_types
        and (not record.participants or set(record.participants) & set(a.participants))
    ]
    status: ProgressStatus
    if acted:
        status = "followed"
        last = deal.activities[acted[-1]]
        evidence = (
            f"{len(acted)} matching activit{'y' if len(acted) == 1 else 'ies'} since "
            f"{record.as_of.isoformat()}, latest {last.type} on {last.date.isoformat()}"
        )
    elif record.due is not None and record.due > as_of:
        status = "too_early"
        evidence = f"nothing recorded yet; due {record.due.isoformat()}"
    else:
        who = ", ".join(deal.person_name(p) for p in record.participants)
        evidence = f"no matching activity since {record.as_of.isoformat()}" + (
            f" with {who}" if who else ""
        )
        status = "not_followed"
    outcome, outcome_refs = outcome_of(ctx, record.as_of, as_of)
    if status == "too_early" and outcome == "no_change":
        outcome = "open"
    return Progress(
        deal_id=record.deal_id,
        capability=record.capability,
        given_on=record.as_of,
        title=record.title,
        due=record.due,
        status=status,
        outcome=outcome,
        evidence=evidence,
        citations=[
            f"history[{index}]",
            *(f"{deal.id}:deal.activities[{i}]" for i in acted),
            *outcome_refs,
        ],
    )


def progress(rep: RepContext, as_of: dt.date) -> list[Progress]:
    """Every recorded recommendation on a deal the rep still has in the workspace."""
    found = []
    for index, record in enumerate(rep.history):
        ctx = rep.deal(record.deal_id)
        if ctx is not None:
            found.append(judge(record, index, ctx, as_of))
    return found


def outcome_counts(items: list[Progress], status: ProgressStatus) -> dict[str, int]:
    return dict(Counter(p.outcome for p in items if p.status == status))
