"""Evidence the CRM record's own entries show: a demo, a technical validation or a proposal
in the activity log (one the record says did not take place proves nothing), and an agreed
mutual action plan.
"""

from __future__ import annotations

import datetime as dt

from agent.analysis.evidence_registry import Seen, evidence_check
from agent.analysis.model import Evidence, StakeholderEngagement
from agent.contracts.context import DealContext
from agent.reading.occurrence import NotHeld, not_held


def _activity(
    ctx: DealContext,
    as_of: dt.date,
    types: tuple[str, ...],
    participant_role: str | None = None,
    positive_only: bool = False,
) -> Evidence:
    roles = {c.id: c.dmu_role for c in ctx.deal.contacts}
    off: list[tuple[int, NotHeld]] = []  # logged, but the record says it did not take place
    for i in range(len(ctx.deal.activities) - 1, -1, -1):
        a = ctx.deal.activities[i]
        if a.type not in types or a.date > as_of or a.outcome == "negative":
            continue
        if (missed := not_held(a)) is not None:
            off.append((i, missed))
            continue
        if positive_only and a.outcome != "positive":
            continue
        if participant_role and not any(roles.get(p) == participant_role for p in a.participants):
            continue
        return Evidence(
            check="",
            met=True,
            detail=f"{a.type} on {a.date.isoformat()}",
            citations=[f"deal.activities[{i}]"],
        )
    if off:
        i, missed = off[0]
        a = ctx.deal.activities[i]
        return Evidence(
            check="",
            met=False,
            detail=f"no {' or '.join(types)} held: the {a.type} of {a.date.isoformat()} did not "
            f'take place ("{missed.words}")',
            citations=[f"deal.activities[{i}].{missed.field}"],
        )
    return Evidence(check="", met=False, detail=f"no {' or '.join(types)} recorded")


@evidence_check("demo_completed")
def _demo(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    return _activity(ctx, as_of, ("demo",))


@evidence_check("technical_validation_done")
def _technical(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    return _activity(ctx, as_of, ("workshop", "demo"), "technical_evaluator", positive_only=True)


@evidence_check("proposal_sent")
def _proposal(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    return _activity(ctx, as_of, ("proposal",))


@evidence_check("mutual_action_plan_agreed")
def _map(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    plan = ctx.deal.mutual_action_plan
    if plan and plan.agreed:
        return Evidence(
            check="",
            met=True,
            detail="mutual action plan agreed",
            citations=["deal.mutual_action_plan"],
        )
    cites = ["deal.mutual_action_plan"] if plan else []
    return Evidence(check="", met=False, detail="no agreed mutual action plan", citations=cites)
