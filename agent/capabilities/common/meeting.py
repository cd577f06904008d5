"""Who is in the meeting and what it is for: validated against the deal, with every assumption
the agent had to make written down rather than hidden."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agent.analysis.model import Analysis
from agent.capabilities.common.roles import ROLE_PLAYBOOK
from agent.contracts.context import DealContext
from agent.contracts.facts import Fact
from agent.contracts.meeting_prep import Attendee, MeetingFrame
from agent.contracts.request import Meeting
from agent.errors import InvalidInput
from agent.reading.contacts import named_or_titled
from agent.reading.meetings import meeting_in_step

DEFAULT_MINUTES = 45


def _customer(ctx: DealContext, analysis: Analysis, person_id: str) -> Attendee | None:
    person = next((p for p in analysis.engagement if p.contact_id == person_id), None)
    if person is None:
        return None
    priorities: list[str] = []
    cites = [f"deal.contacts[{person.index}]"]
    if ctx.discovery:
        for i, member in enumerate(ctx.discovery.dmu):
            if member.contact_id == person_id:
                priorities = member.priorities
                cites.append(f"discovery.dmu[{i}]")
    message = None
    if ctx.argumentation:
        for i, m in enumerate(ctx.argumentation.messages):
            if m.audience in (person_id, person.role):
                message = m.message
                cites.append(f"argumentation.messages[{i}]")
                break
    if message is None and ctx.value and ctx.value.summary:
        message, cites = ctx.value.summary, [*cites, "value.summary"]
    return Attendee(
        person_id=person_id,
        name=person.name,
        title=person.title,
        side="customer",
        role=person.role,
        engagement=person.level,
        priorities=priorities,
        tone=ROLE_PLAYBOOK.get(person.role, ROLE_PLAYBOOK["unknown"])[0],
        value_message=message,
        citations=cites,
    )


@dataclass(frozen=True)
class Focus:
    """What this meeting is for, given who is in the room: an economic buyer in the room means
    their criteria and commitment, not access to them; procurement means the paper process."""

    objective: str
    close_on: str
    why: str
    # methodology elements the people in the room settle by being there (no "who signs off?"
    # to the person who signs)
    settled: frozenset[str] = frozenset()
    citations: tuple[str, ...] = ()


# Phases where the paper process decides the close date: procurement must be in by now.
PAPER_PHASES = ("proposal", "negotiate", "close")


def focus_for(analysis: Analysis, attendees: list[Attendee], default: str) -> Focus:
    present = {a.person_id for a in attendees if a.side == "customer"}
    roles = {a.role: a for a in attendees if a.side == "customer"}
    buyer = analysis.economic_buyer
    if buyer is not None and buyer.contact_id in present:
        name = buyer.name or f"the {buyer.title}"
        return Focus(
            objective=f"Hear from {name} what they need to see to approve: their decision "
            "criteria, the payback they expect and the approval steps, and agree the next "
            "step to a decision",
            close_on=f"a commitment from {name}: the criteria to meet and a date to decide",
            why=f"{name}, the economic buyer, is in the room",
            settled=frozenset({"Economic Buyer"}),
        )
    if "procurement" in roles:
        name = roles["procurement"].name
        return Focus(
            objective=f"Agree the paper process with {name}: each step, owner and date from "
            "here to signature",
            close_on=f"a dated plan to signature that {name} agrees",
            why=f"{name} (procurement) is in the room",
        )
    absent = [
        p
        for p in analysis.engagement
        if p.role == "procurement" and p.level == "never" and p.contact_id not in present
    ]
    if absent and analysis.phase in PAPER_PHASES and present:
        name = absent[0].name
        guide = roles["champion"].name if "champion" in roles else "them"
        return Focus(
            objective=f"Agree with {guide} how and when to involve {name} (procurement), who "
            "has not taken part yet, and map the paper process to signature",
            close_on=f"an introduction to {name} (procurement), with a date, to agree the paper "
            "process",
            why=f"{name} (procurement) has not been involved and the deal is in {analysis.stage}",
            citations=(f"deal.contacts[{absent[0].index}]",),
        )
    if buyer is not None and buyer.scheduled and "champion" in roles:
        name, champion = buyer.name or f"the {buyer.title}", roles["champion"].name
        return Focus(
            objective=f"Prepare {champion} for the meeting with {name}: what {name} will ask, "
            "what they need to see to approve, and who presents what",
            close_on=f"an agreed plan for the meeting with {name}",
            why=f"a meeting with {name} is already booked",
        )
    if buyer is not None and "champion" in roles and analysis.phase in PAPER_PHASES:
        name, champion = buyer.name or f"the {buyer.title}", roles["champion"].name
        return Focus(
            objective=f"Prepare {champion} to take this to {name}: what {name} needs to see to "
            f"approve, and time with {name} before the decision",
            close_on=f"time with {name} before the decision, or a dated plan for how "
            f"{champion} takes it to them",
            why=f"{name}, the economic buyer, decides but is not in the room",
            citations=tuple(buyer.citations[:1]),
        )
    return Focus(objective=default, close_on=default, why="the next best action")


def _booked(ctx: DealContext, analysis: Analysis, meeting: Meeting) -> Fact | None:
    """The meeting already on the calendar that this request is about: on the request's date
    when it gives one, else the next one; only one whose customer attendees are known. The room
    it sets beats a guess from who has been active lately. With none booked, the deal's dated
    next step when it is a meeting with people it names ("Proposal walkthrough with Marta and
    the finance director", agent/reading/meetings.meeting_in_step): the rep's plan, not a
    booking (the analysis never counts it as one), but the meeting a brief without attendees
    is for."""
    booked = [m for m in analysis.reading.of("meeting") if m.attendees and m.on is not None]
    if meeting.date is not None:
        booked = [m for m in booked if m.on == meeting.date]
    found = min(booked, key=lambda m: m.on or dt.date.max, default=None)
    planned = _next_step_meeting(ctx, analysis, meeting)
    if found is None or planned is None or planned.on != found.on:
        return found or planned
    # the same meeting, written twice ("Anja confirmed the demo on 3 December"; next step
    # "Demo for the quality team with Anja and Lukas" that day): everyone either names
    who = list(dict.fromkeys([*found.attendees, *planned.attendees]))
    return found.model_copy(update={"attendees": who})


def _next_step_meeting(ctx: DealContext, analysis: Analysis, meeting: Meeting) -> Fact | None:
    """The deal's dated next step as a meeting with the people it names, if it is one."""
    step, day = ctx.deal.next_step, ctx.deal.next_step_date
    if not step or day is None or day <= analysis.as_of or meeting.date not in (None, day):
        return None
    held = meeting_in_step(step)
    who = named_or_titled(held, ctx.deal) if held else []
    return (
        Fact(kind="meeting", ref="deal.next_step", quote=step, on=day, attendees=who)
        if who
        else None
    )


def frame_meeting(
    ctx: DealContext, analysis: Analysis, meeting: Meeting | None, default_objective: str
) -> tuple[MeetingFrame, Focus]:
    deal = ctx.deal
    meeting = meeting or Meeting()
    assumptions: list[str] = []
    sellers = {m.id: m for m in [deal.owner, *deal.team]}
    attendees: list[Attendee] = []
    known = sorted([c.id for c in deal.contacts] + list(sellers))
    for i, person_id in enumerate(meeting.attendees):
        customer = _customer(ctx, analysis, person_id)
        if customer:
            attendees.append(customer)
        elif person_id in sellers:
            m = sellers[person_id]
            attendees.append(
                Attendee(
                    person_id=m.id,
                    name=m.name,
                    title=m.role.replace("_", " "),
                    side="seller",
                    role=m.role,
                )
            )
        else:
            raise InvalidInput(
                f"attendee '{person_id}' is not a contact or team member of {deal.id}",
                where=f"request.meeting.attendees[{i}]",
                fix=f"Use one of: {', '.join(known)}",
            )
    customers_given = any(a.side == "customer" for a in attendees)
    booked = None if customers_given else _booked(ctx, analysis, meeting)
    if booked is not None:
        attendees += [a for c in booked.attendees if (a := _customer(ctx, analysis, c))]
        names = ", ".join(a.name for a in attendees)
        when = booked.on.isoformat() if booked.on else "soon"
        how = "planned as the next step" if booked.ref == "deal.next_step" else "booked"
        assumptions.append(f"No attendees were given: the meeting {how} for {when}, with {names}.")
        meeting = meeting.model_copy(update={"date": meeting.date or booked.on})
    if not any(a.side == "customer" for a in attendees):
        active = [p for p in analysis.engagement if p.level in ("engaged", "cooling")]
        chosen = active or [p for p in analysis.engagement if p.role == "champion"]
        chosen = chosen or analysis.engagement[:1]
        attendees += [a for p in chosen if (a := _customer(ctx, analysis, p.contact_id))]
        who = ", ".join(p.name for p in chosen) or "nobody (the deal has no contacts)"
        assumptions.append(f"No customer attendees were given: assumed {who}.")
    duration = meeting.duration_minutes or DEFAULT_MINUTES
    if meeting.duration_minutes is None:
        assumptions.append(f"No length was given: planned for {DEFAULT_MINUTES} minutes.")
    focus = focus_for(analysis, attendees, default_objective)
    if meeting.objective is not None:
        focus = Focus(
            meeting.objective, focus.close_on, "the request", focus.settled, focus.citations
        )
    else:
        assumptions.append(f"No objective was given: set from who attends ({focus.why}).")
    frame = MeetingFrame(
        title=meeting.title or f"{deal.account.name}: next meeting",
        date=meeting.date,
        duration_minutes=duration,
        objective=focus.objective,
        attendees=attendees,
        assumptions=assumptions,
    )
    return frame, focus
