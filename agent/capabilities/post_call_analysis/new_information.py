"""What the call adds to the deal record: people, competitors, engagement, methodology
evidence, figures and objections, each compared with what the record already holds.

Kept apart from the patch (record.py) and the stage's progress (adherence.py): this is the
debrief's "new information" list, and the record is read here only to say whether the call
confirms, updates or is new to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from agent.analysis.model import Analysis
from agent.capabilities.common.competition import NoCard
from agent.capabilities.post_call_analysis.contract import NewInformation
from agent.contracts.context import DealContext
from agent.contracts.conversation import Transcript
from agent.contracts.conversation_metrics import ConversationMetrics
from agent.formatting import human
from agent.grounding.grounds import Grounds, grounds_of
from agent.memo import PerObject
from agent.reading.competitors import Competitors
from agent.reading.objection_phrases import Proper, classify_objection

from .record import gaps_by_element
from .review import u_ref

_FIGURE = re.compile(r"(?<![\w.])\$?\d[\d,.]*\s?(?:k|m|million|%|percent)?(?![\w])", re.IGNORECASE)
_SCALE = {"k": 1e3, "m": 1e6, "million": 1e6}


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
