"""Evidence checks that exit criteria name, three-valued: met, not met, or unknown.

What the CRM record itself shows (activities, contacts, the mutual plan) is met or not met: the
record is the proof a process asks for, and the agent never assumes it. What only an upstream
agent can show (discovery's pains and criteria, the value case) is *unknown* when that agent's
section is missing: absence of a file is not evidence of absence, so it never counts as a miss;
the advice asks for it instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import get_args

from agent.analysis.engagement import is_active
from agent.analysis.model import EconomicBuyer, Evidence, StakeholderEngagement
from agent.contracts.context import DealContext
from agent.contracts.facts import Reading
from agent.contracts.upstream import EvidenceCheck
from agent.reading.occurrence import NotHeld, not_held


@dataclass(frozen=True)
class Seen:
    """What the reading layer found that evidence may rest on."""

    reading: Reading = field(default_factory=Reading)
    buyer: EconomicBuyer | None = None


# Checks whose "not met" rests on the activity log alone: when the record's history is
# incomplete, their absence before it starts is not known (analysis/step_evidence.py).
FROM_ACTIVITY_LOG = frozenset(
    {
        "demo_completed",
        "technical_validation_done",
        "proposal_sent",
        "economic_buyer_engaged",
        "procurement_engaged",
        "legal_review_started",
        "multi_threaded",
    }
)

Check = Callable[[DealContext, list[StakeholderEngagement], dt.date, Seen], Evidence]
CHECKS: dict[str, Check] = {}


def _check(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return register


def _unknown(detail: str, missing: str, citations: list[str] | None = None) -> Evidence:
    return Evidence(
        check="", met=None, detail=detail, missing=missing, citations=citations or [missing]
    )


def _qualified(ctx: DealContext, element: str) -> tuple[bool | None, list[str]]:
    """What the qualification agent says of a framework element: confirmed (True), assessed
    and not confirmed (False), or not assessed at all (None: the agent is silent on it)."""
    if ctx.qualification is None:
        return None, []
    for i, el in enumerate(ctx.qualification.elements):
        if el.name.lower() == element.lower():
            return el.status == "confirmed", [f"qualification.elements[{i}]"]
    return None, []


def _from_qualification(
    ctx: DealContext, element: str, yes: str, no: str, fallback: list[str] | None = None
) -> Evidence:
    """Evidence discovery did not give: the qualification agent's word, else unknown when
    neither agent reported on it (absent data is not a gap), else not met."""
    ok, cites = _qualified(ctx, element)
    if ok is None and ctx.discovery is None:
        return _unknown(
            "not known: no discovery data, and qualification does not assess it", "discovery"
        )
    return Evidence(
        check="", met=bool(ok), detail=yes if ok else no, citations=cites or fallback or []
    )


def _by_role(people: list[StakeholderEngagement], role: str) -> list[StakeholderEngagement]:
    return [p for p in people if p.role == role]


def _participated(people: list[StakeholderEngagement], role: str) -> Evidence:
    took_part = [p for p in _by_role(people, role) if p.activity_indices]
    if took_part:
        p = took_part[0]
        return Evidence(
            check="",
            met=True,
            detail=f"{p.name} ({p.title}) took part in an activity",
            citations=[f"deal.contacts[{p.index}]", f"deal.activities[{p.activity_indices[-1]}]"],
        )
    named = _by_role(people, role)
    cites = [f"deal.contacts[{p.index}]" for p in named]
    who = ", ".join(p.name for p in named) or f"no {role.replace('_', ' ')} contact"
    return Evidence(check="", met=False, detail=f"{who}: no activity with them", citations=cites)


@_check("pain_confirmed")
def _pain(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.discovery:
        for i, pain in enumerate(ctx.discovery.pains):
            if pain.confirmed:
                return Evidence(
                    check="", met=True, detail=pain.description, citations=[f"discovery.pains[{i}]"]
                )
    return _from_qualification(
        ctx, "Identify Pain", "pain confirmed in qualification", "no pain confirmed by the customer"
    )


@_check("champion_identified")
def _champion(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    found = _by_role(people, "champion")
    if found:
        return Evidence(
            check="",
            met=True,
            detail=f"{found[0].name} is the champion",
            citations=[f"deal.contacts[{found[0].index}]"],
        )
    return Evidence(check="", met=False, detail="no contact has the champion role")


@_check("economic_buyer_identified")
def _eb_known(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    found = _by_role(people, "economic_buyer")
    if found:
        return Evidence(
            check="",
            met=True,
            detail=f"{found[0].name} is the economic buyer",
            citations=[f"deal.contacts[{found[0].index}]"],
        )
    if seen.buyer is not None:
        who = seen.buyer.name or f"the {seen.buyer.title}"
        return Evidence(
            check="",
            met=True,
            detail=f"{who} signs, as the record's text says (not yet a contact)",
            citations=seen.buyer.citations,
        )
    return Evidence(check="", met=False, detail="no contact has the economic buyer role")


@_check("economic_buyer_engaged")
def _eb_engaged(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    found = _participated(people, "economic_buyer")
    buyer = seen.buyer
    if not found.met and buyer is not None and buyer.contact_id is None:
        who = buyer.name or f"the {buyer.title}"
        return Evidence(
            check="", met=False, detail=f"{who}: not met yet", citations=buyer.citations
        )
    return found


def _working_the_deal(
    ctx: DealContext, people: list[StakeholderEngagement], role: str, seen: Seen
) -> Evidence:
    """A role that works the paper process (procurement, legal) is engaged when one of its
    people took part in an activity, or when the record's text says one of them did something
    for the deal ("the category buyer mailed us the onboarding pack", "their counsel sent
    redlines"), contact or not: the work is the engagement, whether or not we met them."""
    found = _participated(people, role)
    if found.met:
        return found
    roles = {c.id: c.dmu_role for c in ctx.deal.contacts}
    acting = [
        f
        for f in seen.reading.of("person")
        if f.acted
        and not f.hedged
        and (roles.get(f.contact_id) == role if f.contact_id else f.role == role)
    ]
    if not acting:
        return found
    f = acting[-1]
    names = {c.id: c.name for c in ctx.deal.contacts}
    who = names.get(f.contact_id or "") or f.person or f"the {f.title}"
    title = f" ({f.title})" if f.title and f.person else ""
    not_contact = "" if f.contact_id else "; not a contact in the CRM yet"
    return Evidence(
        check="",
        met=True,
        detail=f'{who}{title} is working the deal, as the record\'s text says: "{f.quote}"'
        f"{not_contact}",
        citations=[f.ref],
    )


@_check("procurement_engaged")
def _procurement(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    return _working_the_deal(ctx, people, "procurement", seen)


@_check("legal_review_started")
def _legal(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    found = _working_the_deal(ctx, people, "legal", seen)
    if found.met:
        return found
    review = next(
        (f for f in seen.reading.of("constraint") if f.constraint == "legal_review"), None
    )
    if review is not None:  # redlines or a contract review the text says is under way
        return Evidence(
            check="",
            met=True,
            detail=f"legal review under way: {review.quote}",
            citations=[review.ref],
        )
    return found


@_check("decision_criteria_known")
def _criteria(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.discovery and ctx.discovery.decision_criteria:
        names = ", ".join(c.name for c in ctx.discovery.decision_criteria[:4])
        return Evidence(
            check="",
            met=True,
            detail=f"criteria: {names}",
            citations=["discovery.decision_criteria"],
        )
    return _from_qualification(
        ctx, "Decision Criteria", "criteria confirmed in qualification", "no decision criteria"
    )


@_check("decision_process_known")
def _process(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    bp = ctx.discovery.buying_process if ctx.discovery else None
    if bp and bp.known:
        return Evidence(
            check="",
            met=True,
            detail="buying process confirmed by the customer",
            citations=["discovery.buying_process"],
        )
    return _from_qualification(
        ctx,
        "Decision Process",
        "process confirmed in qualification",
        "decision process not confirmed",
        ["discovery.buying_process"] if bp else None,
    )


@_check("budget_confirmed")
def _budget(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.discovery and ctx.discovery.budget_confirmed:
        return Evidence(
            check="",
            met=True,
            detail=ctx.discovery.budget_notes or "budget confirmed",
            citations=["discovery.budget_confirmed"],
        )
    if ctx.discovery is None:
        return _unknown("not known: no discovery data", "discovery")
    return Evidence(
        check="", met=False, detail="budget not confirmed", citations=["discovery.budget_confirmed"]
    )


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


@_check("demo_completed")
def _demo(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    return _activity(ctx, as_of, ("demo",))


@_check("technical_validation_done")
def _technical(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    return _activity(ctx, as_of, ("workshop", "demo"), "technical_evaluator", positive_only=True)


@_check("proposal_sent")
def _proposal(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    return _activity(ctx, as_of, ("proposal",))


@_check("value_case_shared")
def _value_shared(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.value and ctx.value.status in ("shared", "validated"):
        return Evidence(
            check="", met=True, detail=f"value case {ctx.value.status}", citations=["value.status"]
        )
    if ctx.value is None:
        return _unknown("not known: no value case data", "value")
    return Evidence(check="", met=False, detail="no value case shared", citations=["value.status"])


@_check("value_case_validated")
def _value_ok(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.value and ctx.value.status == "validated":
        return Evidence(
            check="",
            met=True,
            detail="value case validated by the customer",
            citations=["value.status"],
        )
    if ctx.value is None:
        return _unknown("not known: no value case data", "value")
    return Evidence(
        check="", met=False, detail="value case not validated", citations=["value.status"]
    )


@_check("mutual_action_plan_agreed")
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


@_check("multi_threaded")
def _threads(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    booked = _booked(seen.reading, as_of)
    active = [p for p in people if is_active(p) or p.contact_id in booked]
    cites = [f"deal.contacts[{p.index}]" for p in active]
    names = ", ".join(p.name for p in active) or "nobody"
    return Evidence(
        check="",
        met=len(active) >= 2,
        citations=cites,
        detail=f"{len(active)} stakeholder(s) active in the last 30 days or booked in the "
        f"next {BOOKED_DAYS}: {names}",
    )


BOOKED_DAYS = 14  # a meeting this close that someone accepted counts as their engagement


def _booked(reading: Reading, as_of: dt.date) -> set[str]:
    """Contacts with a meeting on the calendar within BOOKED_DAYS."""
    return {
        person
        for m in reading.of("meeting")
        if m.on is not None and (m.on - as_of).days <= BOOKED_DAYS
        for person in m.attendees
    }


def ever_multi_threaded(people: list[StakeholderEngagement]) -> Evidence:
    """For an earlier stage's criterion: were two or more stakeholders engaged at any point?
    (Who is active today says nothing about whether that stage was done properly.)"""
    engaged = [p for p in people if p.activity_indices]
    return Evidence(
        check="multi_threaded",
        met=len(engaged) >= 2,
        citations=[f"deal.contacts[{p.index}]" for p in engaged[:3]],
        detail=f"{len(engaged)} stakeholder(s) have taken part in activities",
    )


def evaluate_all(
    ctx: DealContext,
    people: list[StakeholderEngagement],
    as_of: dt.date,
    seen: Seen | None = None,
) -> dict[str, Evidence]:
    seen = seen or Seen()
    return {
        name: CHECKS[name](ctx, people, as_of, seen).model_copy(update={"check": name})
        for name in get_args(EvidenceCheck)
    }
