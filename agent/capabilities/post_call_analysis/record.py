"""What the call changes in the deal record: the proposed patch, what is new compared with the
record, and progress on the stage's exit criteria and the methodology (the win probability
before and after the call is change.py's). The record itself is never changed here; the CLI
applies the patch only when asked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

from agent.analysis.model import Analysis, MethodologyGap
from agent.capabilities.common.competition import NoCard
from agent.capabilities.post_call_analysis.contract import (
    AdherenceCheck,
    ContactUpdate,
    DealPatch,
    NewInformation,
    NextStep,
)
from agent.contracts.base import Level
from agent.contracts.context import DealContext
from agent.contracts.conversation import Transcript
from agent.contracts.conversation_metrics import ConversationMetrics, MeddiccElement
from agent.contracts.deal import Activity, ActivityOutcome, ActivityType
from agent.formatting import human
from agent.grounding.grounds import Grounds, grounds_of
from agent.memo import PerObject
from agent.reading.competitors import Competitors
from agent.reading.objection_phrases import Proper, classify_objection

from .follow_up import step_sentence
from .review import u_ref

# Exit-criterion checks a call can evidence by what was said, through the MEDDICC element
# the conversation rules detect; the rest are judged on the patched record alone.
CHECK_ELEMENT: dict[str, MeddiccElement] = {
    "pain_confirmed": "identify_pain",
    "champion_identified": "champion",
    "economic_buyer_identified": "economic_buyer",
    "decision_criteria_known": "decision_criteria",
    "decision_process_known": "decision_process",
}
_FIGURE = re.compile(r"(?<![\w.])\$?\d[\d,.]*\s?(?:k|m|million|%|percent)?(?![\w])", re.IGNORECASE)
_SCALE = {"k": 1e3, "m": 1e6, "million": 1e6}


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
    steps: Sequence[NextStep], unhandled: int, receptiveness: Level
) -> ActivityOutcome:
    """Positive: a dated next step the customer agreed, nothing left unanswered. Negative: a
    customer who was not receptive and agreed to nothing. Anything between is neutral."""
    confirmed = any(s.customer_commitment == "confirmed" and s.due for s in steps)
    if confirmed and unhandled == 0:
        return "positive"
    if not confirmed and receptiveness == "low":
        return "negative"
    return "neutral"


def _numbers(text: str) -> list[tuple[str, float]]:
    out = []
    for m in _FIGURE.finditer(text):
        raw = m.group().strip()
        digits = re.sub(r"[^\d.]", "", raw.split()[0] if " " in raw else raw).rstrip(".")
        if not digits or digits.count(".") > 1 or not any(c.isdigit() for c in digits):
            continue
        unit = re.sub(r"[\d$,.\s]", "", raw).lower()
        out.append((raw, float(digits) * _SCALE.get(unit, 1.0)))
    return out


def new_information(
    ctx: DealContext,
    t: Transcript,
    m: ConversationMetrics,
    analysis: Analysis,
    competitors: Competitors,
    unknown: Callable[[str], NoCard | None] | None = None,
) -> list[NewInformation]:
    """What the call adds to the record; `unknown` says which competitors named have no
    battle card anywhere, so the debrief says so and what to find out instead of positioning."""
    out: list[NewInformation] = []
    for speaker in t.unmapped:
        first = next(u.index for u in t.utterances if u.speaker == speaker)
        out.append(
            NewInformation(
                kind="new_person",
                compared_with_record="new",
                detail=f"{speaker} spoke but is not a contact on the deal: ask their role",
                citations=[u_ref(first)],
            )
        )
    known = {c.lower() for c in ctx.deal.competitors}
    for c in m.competitors:
        is_new = c.name.lower() not in known
        none = unknown(c.name) if unknown else None
        learn = f"; {none.statement[:1].lower()}{none.statement[1:]}" if none else ""
        if none and none.questions:
            learn += ". Find out: " + " / ".join(none.questions[:3])
        out.append(
            NewInformation(
                kind="new_competitor" if is_new else "figure",
                compared_with_record="new" if is_new else "confirms",
                detail=f"{c.name} came up (first by the {c.first_by} side)"
                + ("; not yet recorded as a competitor" if is_new else "; already recorded")
                + learn,
                citations=[u_ref(i) for i in c.indices[:3]] + list(none.citations if none else []),
            )
        )
    spoke = {u.person_id: u.index for u in reversed(t.utterances) if u.person_id}
    for e in analysis.engagement:
        if e.contact_id not in spoke:
            continue
        if e.level in ("never", "dark"):
            was = "never engaged" if e.level == "never" else "gone dark"
            cites = [f"deal.contacts[{e.index}]"]
        elif (only := _never_in_conversation(ctx, e.contact_id, e.activity_indices)) is not None:
            was = (
                "engaged by e-mail or invitation only, never in a meeting or call"
                if only
                else "never in a meeting or call"
            )
            cites = [f"deal.contacts[{e.index}]", *(f"deal.activities[{i}]" for i in only[:2])]
        else:
            continue
        out.append(
            NewInformation(
                kind="first_engagement",
                compared_with_record="updates",
                detail=f"{e.name} ({human(e.role)}) took part and spoke; the record showed them "
                f"as {was}",
                citations=[*cites, u_ref(spoke[e.contact_id])],
            )
        )
    gaps = gaps_by_element(analysis)
    for ev in m.methodology:
        gap = gaps.get(ev.element)
        if ev.evidenced and gap is not None:
            out.append(
                NewInformation(
                    kind="methodology_evidence",
                    compared_with_record="updates",
                    detail=f"{ev.label}: the call holds evidence ({ev.rule}); the record has "
                    f"it as {gap.status}",
                    citations=[u_ref(i) for i in ev.indices[:2]] + gap.citations[:1],
                )
            )
    out.extend(_figures(ctx, t))
    out.extend(_objections_vs_record(ctx, m, competitors))
    return out


# Activities that are a conversation with the customer, when they took place (not one-way).
CONVERSATIONS = frozenset({"call", "meeting", "demo", "workshop", "presentation", "negotiation"})


def _never_in_conversation(
    ctx: DealContext, contact_id: str, touched: Sequence[int]
) -> list[int] | None:
    """The activities (e-mails, an accepted invitation) that made a contact count as engaged,
    when none of them was a conversation: their first call is their first engagement. None
    when the record holds a conversation with them, or a last contact no activity explains
    (the CRM knows of a contact it does not describe: unknown, not never)."""
    deal = ctx.deal
    if any(deal.activities[i].type in CONVERSATIONS for i in touched):
        return None
    contact = next(c for c in deal.contacts if c.id == contact_id)
    dates = {deal.activities[i].date for i in touched}
    if contact.last_contact is not None and contact.last_contact not in dates:
        return None
    return list(touched)


def _figures(ctx: DealContext, t: Transcript) -> list[NewInformation]:
    """Numbers the customer said, checked against every number the record holds (gathered
    once per context: on a deal of thousands of activities that is most of a debrief)."""
    record = _RECORD_GROUNDS.get(
        ctx, None, lambda: grounds_of([ctx.deal, *(getattr(ctx, s) for s in _UPSTREAM)])
    )
    out = []
    for u in t.utterances:
        if u.side != "customer":
            continue
        for raw, value in _numbers(u.text):
            if value < 10 and "%" not in raw:
                continue  # counts and ordinals ("two", "3 plants") are rarely figures
            known = value in record.numbers or value / 1e3 in record.numbers
            out.append(
                NewInformation(
                    kind="figure",
                    compared_with_record="confirms" if known else "new",
                    detail=f'{u.speaker} said "{raw}"'
                    + (" (matches the record)" if known else " (not in the record)"),
                    citations=[u_ref(u.index)],
                )
            )
    return out[:8]


_UPSTREAM = ("risk", "discovery", "value")
_RECORD_GROUNDS: PerObject[Grounds] = PerObject(maxsize=64)
_RAISED: PerObject[dict[str, int]] = PerObject(maxsize=64)


def _raised_before(ctx: DealContext, competitors: Competitors) -> dict[str, int]:
    """Each objection category's first activity in the record, read once per deal and
    competitor names (a Proper name is matched as written, so the key says which are)."""
    phrases = competitors.phrases

    def read() -> dict[str, int]:
        before: dict[str, int] = {}
        for i, a in enumerate(ctx.deal.activities):
            category = classify_objection(a.summary, phrases)
            if category is not None:
                before.setdefault(category, i)
        return before

    key = tuple((p, isinstance(p, Proper)) for p in phrases)
    return _RAISED.get(ctx.deal, key, read)


def _objections_vs_record(
    ctx: DealContext, m: ConversationMetrics, competitors: Competitors
) -> list[NewInformation]:
    before = _raised_before(ctx, competitors) if m.objections else {}
    out = []
    for category in dict.fromkeys(o.category for o in m.objections):
        first = next(o for o in m.objections if o.category == category)
        seen = before.get(category)
        out.append(
            NewInformation(
                kind="objection",
                compared_with_record="confirms" if seen is not None else "new",
                detail=f"{human(category).capitalize()} objection"
                + (" raised before in the record" if seen is not None else " not seen before"),
                citations=[u_ref(first.index)]
                + ([f"deal.activities[{seen}]"] if seen is not None else []),
            )
        )
    return out


def adherence(
    analysis: Analysis,
    after: Analysis,
    m: ConversationMetrics,
    ctx: DealContext,
    activity_type: str,
) -> list[AdherenceCheck]:
    evidenced = {ev.element: ev for ev in m.methodology if ev.evidenced}
    out = []
    for c in (c for c in analysis.exit_criteria if c.stage == analysis.stage):
        element = CHECK_ELEMENT.get(_check_of(ctx, analysis, c.id) or "")
        said = evidenced.get(element) if element else None
        after_met = next((x.met for x in after.exit_criteria if x.id == c.id), None)
        if c.met:
            status, detail = "already_met", "met before the call"
        elif after_met or said:
            status = "advanced"
            detail = "met with the call recorded" if after_met else "evidenced in the call"
        else:
            status, detail = "not_advanced", "still open after the call"
        out.append(
            AdherenceCheck(
                kind="exit_criterion",
                id=c.id,
                description=c.description,
                status=status,  # type: ignore[arg-type]
                detail=detail,
                citations=[c.ref] + ([u_ref(i) for i in said.indices[:2]] if said else []),
            )
        )
    out.extend(_required_activities(ctx, analysis, activity_type))
    gaps = gaps_by_element(analysis)
    for ev in m.methodology:
        gap = gaps.get(ev.element)
        if gap is None and not ev.evidenced:
            continue
        status = "already_met" if gap is None else "advanced" if ev.evidenced else "not_advanced"
        out.append(
            AdherenceCheck(
                kind="methodology",
                id=ev.element,
                description=ev.label,
                status=status,  # type: ignore[arg-type]
                detail=ev.rule,
                citations=[u_ref(i) for i in ev.indices[:2]] + (gap.citations[:1] if gap else []),
            )
        )
    return out


def _check_of(ctx: DealContext, analysis: Analysis, criterion_id: str) -> str | None:
    stage = ctx.process.stage(analysis.stage) if ctx.process else None
    crit = next((c for c in stage.exit_criteria if c.id == criterion_id), None) if stage else None
    return crit.check if crit else None


def _required_activities(
    ctx: DealContext, analysis: Analysis, activity_type: str
) -> list[AdherenceCheck]:
    stage = ctx.process.stage(analysis.stage) if ctx.process else None
    if stage is None or analysis.stage_ref is None:
        return []
    out = []
    for i, r in enumerate(stage.required_activities):
        if activity_type in r.activity_types:
            out.append(
                AdherenceCheck(
                    kind="required_activity",
                    id=r.id,
                    description=r.description,
                    status="advanced",
                    detail=f"this {activity_type} counts as one",
                    citations=[f"{analysis.stage_ref}.required_activities[{i}]"],
                )
            )
    return out
