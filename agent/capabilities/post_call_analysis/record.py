"""What the call changes in the deal record: the proposed patch, the record as patched, the
call's outcome and whether the stage is ready to move (what is new compared with the record is
new_information.py's, progress on the exit criteria and the methodology adherence.py's, the win
probability before and after the call change.py's). The record itself is never changed here;
the CLI applies the patch only when asked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Literal

from agent.analysis.model import Analysis, MethodologyGap
from agent.capabilities.post_call_analysis.contract import NextStep
from agent.contracts.base import Level
from agent.contracts.context import DealContext
from agent.contracts.conversation import Transcript
from agent.contracts.conversation_metrics import ConversationMetrics
from agent.contracts.deal import Activity, ActivityOutcome, ActivityType
from agent.contracts.deal_patch import ContactUpdate, DealPatch
from agent.formatting import human
from agent.memo import PerObject

from .follow_up import step_sentence


def gaps_by_element(analysis: Analysis) -> dict[str, MethodologyGap]:
    """The analysis's open MEDDICC gaps keyed like the call's evidence ('Economic Buyer' ->
    'economic_buyer'), so the two can be compared."""
    return {g.element.lower().replace(" ", "_"): g for g in analysis.methodology_gaps}


def _next_activity_id(ctx: DealContext, on: dt.date) -> str:
    """The record's own numbering ('a12' after 'a11') when it has one, else a dated id."""
    last = _NUMBERED.get(ctx.deal, None, lambda: _last_number(ctx.deal.activities))
    return f"a{last + 1}" if last is not None else f"call-{on.isoformat()}"


def _last_number(activities: Sequence[Activity]) -> int | None:
    """The highest 'aN' when every activity is numbered so (read once per deal)."""
    numbers = [int(a.id[1:]) for a in activities if _NUMBERED_ID.fullmatch(a.id)]
    return max(numbers) if numbers and len(numbers) == len(activities) else None


_NUMBERED_ID = re.compile(r"a\d+")
_NUMBERED: PerObject[int | None] = PerObject(maxsize=64)


def propose_patch(
    ctx: DealContext,
    t: Transcript,
    m: ConversationMetrics,
    steps: Sequence[NextStep],
    on: dt.date,
    activity_type: ActivityType,
    outcome: ActivityOutcome,
) -> DealPatch:
    deal = ctx.deal
    seller_ids = {deal.owner.id, *(p.id for p in deal.team)}
    people = list(dict.fromkeys(u.person_id for u in t.utterances if u.person_id))
    people.sort(key=lambda pid: pid not in seller_ids)
    customers = [c for c in deal.contacts if c.id in people]
    raised = sorted({human(o.category) for o in m.objections})
    parts = [f"Call with {', '.join(c.name for c in customers) or 'the customer'}"]
    if raised:
        parts.append(f"objections raised: {', '.join(raised)}")
    if m.competitors:
        parts.append(f"competitors mentioned: {', '.join(c.name for c in m.competitors)}")
    agreed = [s for s in steps if s.customer_commitment == "confirmed"]
    if agreed:
        parts.append("agreed: " + "; ".join(step_sentence(s).rstrip(".") for s in agreed))
    summary = ". ".join(parts) + f". (From transcript {t.source}.)"  # DealPatch.marker
    activity = Activity(
        id=_next_activity_id(ctx, on),
        type=activity_type,
        date=on,
        participants=people,
        summary=summary,
        outcome=outcome,
        next_step=(
            step_sentence(agreed[0])
            if agreed
            else f"To confirm: {step_sentence(steps[0])}"
            if steps
            else None
        ),
    )
    updates = [
        ContactUpdate(contact_id=c.id, last_contact=on)
        for c in customers
        if c.last_contact is None or c.last_contact < on
    ]
    known = {c.lower() for c in deal.competitors}
    new_rivals = [c.name for c in m.competitors if c.name.lower() not in known]
    dated = [s for s in agreed if s.due is not None and s.due >= on]
    return DealPatch(
        deal_id=deal.id,
        transcript_source=t.source,
        add_activity=activity,
        contact_updates=updates,
        add_competitors=new_rivals,
        next_step=step_sentence(dated[0], dated=False).rstrip(".") if dated else None,
        next_step_date=dated[0].due if dated else None,
    )


def stage_ready(analysis: Analysis, after: Analysis) -> str | None:
    """The next stage, when every checked exit criterion of the current one is met once the
    call is recorded and at least one of them was not before: the call moved the deal."""
    mine = [c for c in after.exit_criteria if c.stage == after.stage and c.met is not None]
    before = {c.id: c.met for c in analysis.exit_criteria}
    if not mine or not all(c.met for c in mine) or all(before.get(c.id) for c in mine):
        return None
    return after.next_stage


def patched_context(ctx: DealContext, patch: DealPatch) -> DealContext:
    """The context as it would be with the patch applied; the input is left untouched."""
    updates = {u.contact_id: u.last_contact for u in patch.contact_updates}
    contacts = [
        c.model_copy(update={"last_contact": updates[c.id]}) if c.id in updates else c
        for c in ctx.deal.contacts
    ]
    deal = ctx.deal.model_copy(
        update={
            "activities": [*ctx.deal.activities, patch.add_activity],
            "contacts": contacts,
            "competitors": [*ctx.deal.competitors, *patch.add_competitors],
        }
    )
    return ctx.model_copy(update={"deal": deal})


def call_outcome(
    steps: Sequence[NextStep], unhandled: int, receptiveness: Level | Literal["unknown"]
) -> ActivityOutcome:
    """Positive: a dated next step the customer agreed, nothing left unanswered. Negative: a
    customer who was not receptive and agreed to nothing. Anything between is neutral."""
    confirmed = any(s.customer_commitment == "confirmed" and s.due for s in steps)
    if confirmed and unhandled == 0:
        return "positive"
    if not confirmed and receptiveness == "low":
        return "negative"
    return "neutral"
