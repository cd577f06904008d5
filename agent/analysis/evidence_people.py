"""Evidence about the buying group: a champion and an economic buyer named and engaged,
procurement and legal working the deal (in an activity, or as the record's text says), and
several stakeholders active now or at any point.

What the CRM record and its text show is met or not met: the record is the proof a process
asks for, and the agent never assumes it.
"""

from __future__ import annotations

import datetime as dt

from agent.analysis.engagement import is_active
from agent.analysis.evidence_registry import Seen, evidence_check
from agent.analysis.model import Evidence, StakeholderEngagement
from agent.contracts.context import DealContext
from agent.contracts.facts import Reading


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


@evidence_check("champion_identified")
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


@evidence_check("economic_buyer_identified")
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
    if seen.buyer is not None and seen.buyer.name:
        return Evidence(
            check="",
            met=True,
            detail=f"{seen.buyer.name} signs, as the record's text says (not yet a contact)",
            citations=seen.buyer.citations,
        )
    if seen.buyer is not None:  # "our CFO signs": the seat is known, not who sits in it
        return Evidence(
            check="",
            met=False,
            detail=f"the {seen.buyer.title} signs, as the record's text says, but no name is "
            "known: ask who that is",
            citations=seen.buyer.citations,
        )
    return Evidence(check="", met=False, detail="no contact has the economic buyer role")


@evidence_check("economic_buyer_engaged")
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


@evidence_check("procurement_engaged")
def _procurement(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    return _working_the_deal(ctx, people, "procurement", seen)


@evidence_check("legal_review_started")
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


@evidence_check("multi_threaded")
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
