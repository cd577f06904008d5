"""Stakeholder engagement strategy: the whole DMU, who is engaged, and a plan per person.

Approaches per role are coaching rules (below); what each person cares about and what to say
to them come from the deal: discovery's priorities, the argumentation agent's messages and the
value case. Nothing about a person is invented: missing priorities are named as a gap.

The message drafts go to customers, so they are built from neutral phrasing and facts the
record states in fields (the contact's name and role, the deal's and the account's names, and
whether we know their priorities or have a tailored message), never from the free text of an
input: an upstream file or a note can say anything ("always cc …", an image that carries the
amount), and a draft must not repeat it. That text stays in the rep-facing fields, quoted.
"""

from __future__ import annotations

from typing import get_args

from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis, MentionedPerson, StakeholderEngagement
from agent.analysis.thresholds import UNANSWERED_ATTEMPTS
from agent.capabilities.common.playbook import deal_values
from agent.capabilities.common.remedies import remedy
from agent.capabilities.common.roles import ROLE_PLAYBOOK
from agent.capabilities.common.silence import silence
from agent.capabilities.stakeholder_strategy.contract import (
    Escalation,
    RoleCoverage,
    RoleGap,
    StakeholderPlan,
    StakeholderStrategyResult,
)
from agent.contracts.base import Timing
from agent.contracts.context import DealContext
from agent.contracts.deal import Deal, DmuRole
from agent.formatting import opening
from knowledge.plays import Play

# Every decision role, in the order a plan is read; influencers and unknowns follow.
DMU_ROLES = tuple(r for r in get_args(DmuRole) if r not in ("influencer", "unknown"))
REQUIRED_ROLES = ("economic_buyer", "champion", "technical_evaluator", "business_evaluator")

# What a customer-facing draft asks each role about: neutral words, never the input's.
DRAFT_TOPIC: dict[str, str] = {
    "economic_buyer": "the business case and the investment",
    "champion": "how the project is moving on your side",
    "technical_evaluator": "the technical fit",
    "business_evaluator": "the outcomes the project has to deliver",
    "user": "how your team would work with it day to day",
    "coach": "how the decision is shaping up",
    "blocker": "the concerns you have about the project",
    "procurement": "the buying process and the commercial terms",
    "legal": "the contract terms",
}

TIMING_BY_LEVEL: dict[str, Timing] = {
    "never": "immediate",
    "dark": "immediate",
    "cooling": "this_week",
    "engaged": "next_week",
}


def _priorities(ctx: DealContext, person: StakeholderEngagement) -> tuple[list[str], list[str]]:
    if ctx.discovery is None:
        return [], []
    for i, member in enumerate(ctx.discovery.dmu):
        if member.contact_id == person.contact_id:
            return member.priorities, [f"discovery.dmu[{i}]"]
    pains = [(i, p) for i, p in enumerate(ctx.discovery.pains) if p.owner == person.contact_id]
    return [p.description for _, p in pains], [f"discovery.pains[{i}]" for i, _ in pains]


def _message(ctx: DealContext, person: StakeholderEngagement) -> tuple[str | None, list[str]]:
    if ctx.argumentation is None:
        return None, []
    for i, m in enumerate(ctx.argumentation.messages):
        if m.audience in (person.contact_id, person.role):
            return m.message, [f"argumentation.messages[{i}]"]
    return None, []


def _value(ctx: DealContext) -> tuple[str | None, list[str]]:
    if ctx.value and ctx.value.summary:
        return ctx.value.summary, ["value.summary"]
    return None, []


def _caveat(person: StakeholderEngagement, deal: Deal | None = None) -> tuple[str, list[str]]:
    """What makes someone unreliable, in the record's words, and where it says so; with the
    deal, also a meeting they did not come to since they last took part."""
    if person.leaving:
        return f"Leaving: {person.leaving} ", [person.leaving_ref or ""]
    if person.is_away:
        until = f" until {person.away_until.isoformat()}" if person.away_until else ""
        meanwhile = (
            f"route the open asks through {person.deputy}, who stands in for them"
            if person.deputy
            else "ask who covers for them meanwhile and route the open asks there"
        )
        return (
            f'Away{until}, as {person.away_says} says ("{person.away}"): a temporary absence, '
            f"not a departure. Keep {person.name} informed, do not plan the next steps around "
            f"them, and {meanwhile}. ",
            [person.away_ref or ""],
        )
    if person.unreachable:
        return (
            "The last attempt to reach them bounced: they may no longer be with the customer. "
            "Confirm through another contact before relying on them. ",
            person.unanswered_refs[-1:],
        )
    quiet = silence(person, deal) if deal is not None else None
    if quiet is not None and quiet.kind == "no_show":
        return (
            f"{opening(quiet.words)}: before the next meeting, confirm "
            "through a colleague they work with that they will come, and what they need from it. ",
            quiet.refs,
        )
    if person.unanswered >= UNANSWERED_ATTEMPTS:
        return (
            f"{person.unanswered} attempts to reach them since they last took part went "
            "unanswered: stop writing to them; reach them through a colleague they work with, "
            "or in a meeting they attend. ",
            person.unanswered_refs,
        )
    return "", []


def _mentioned_plan(ctx: DealContext, person: MentionedPerson) -> StakeholderPlan:
    """Someone the text names with a role who is not a contact: part of the buying group."""
    approach, channel, collaboration, risk = ROLE_PLAYBOOK.get(
        person.role, ROLE_PLAYBOOK["unknown"]
    )
    name = person.name or f"the {person.title}"
    not_met = " Nobody has met them yet." if person.met is False else ""
    absent = next((c for c in ctx.deal.contacts if c.id == person.stands_in_for), None)
    if absent is not None:
        until = f" until {person.until.isoformat()}" if person.until else ""
        return StakeholderPlan(
            contact_id=None,
            name=name,
            title=person.title,
            role=person.role,
            influence="medium",
            sentiment="unknown",
            engagement="never",
            last_touch=None,
            touches_30d=0,
            priorities=[],
            approach=f"Stands in for {absent.name}, who is away{until}, as the auto-reply "
            f'says: "{person.quote}". Add {name} to the CRM and bring them in now as the '
            f"day-to-day contact for the open asks, with {absent.name} copied; learn what "
            f"they need to carry the deal until {absent.name} is back.",
            value_proposition="Unknown: learn their priorities first",
            channel="an introduction referring to the auto-reply, then a short call",
            timing="immediate",
            message_draft=f"Hi {name.split()[0]}, {absent.name}'s auto-reply names you as the "
            "contact while they are away. Could we take 20 minutes this week to go through "
            f"the open points on our project with {ctx.deal.account.name}?",
            collaboration=f"the open questions and next steps that were waiting for {absent.name}",
            risk_if_disengaged=f"the deal waits for {absent.name} to come back",
            citations=[person.ref],
        )
    return StakeholderPlan(
        contact_id=None,
        name=name,
        title=person.title,
        role=person.role,
        influence="high" if person.authority else "medium",
        sentiment="unknown",
        engagement="never",
        last_touch=None,
        touches_30d=0,
        priorities=[],
        approach=f"Named in the record, not yet a contact: {person.quote}{not_met} Add them "
        f"to the CRM, ask your contacts what they need to see, then: {approach}",
        value_proposition="Unknown: learn their priorities first",
        channel=channel,
        timing="immediate" if person.authority else "this_week",
        message_draft="",
        collaboration=collaboration,
        risk_if_disengaged=risk,
        citations=[person.ref],
    )


def _draft(
    ctx: DealContext, person: StakeholderEngagement, knows_priorities: bool, has_value: bool
) -> str:
    """A first message to a contact of the deal, from neutral phrasing and the record's
    fields: what we know about them decides the sentences, the input's words never appear (nor
    the CRM's name for the opportunity, which is ours, not the customer's)."""
    first = person.name.split()[0]
    topic = DRAFT_TOPIC.get(person.role)
    opener = (
        "I'd like to check that we have understood your priorities for the project"
        if knows_priorities
        else "I'd like to understand what matters most to you in the project"
    )
    focus = f", above all on {topic}" if topic else ""
    offer = " I can bring a short summary of the value we see for your team." if has_value else ""
    return (
        f"Hi {first}, {opener}{focus}.{offer} Could we take 20 minutes this week to check we "
        f"are solving the right problem for {ctx.deal.account.name}?"
    )


def _covers(
    person: StakeholderEngagement, people: list[StakeholderEngagement]
) -> tuple[str, list[str]]:
    """Who this contact covers for, as the record says, while that one is away or on leave:
    the handover is the first thing to arrange with them; and where the record says so."""
    absent = next((p for p in people if p.deputy == person.name and p is not person), None)
    if absent is None:
        return "", []
    first, cites = absent.name.split()[0], [absent.away_ref or absent.leaving_ref or ""]
    if absent.is_away:
        text = f"Covers for {absent.name} while {first} is away: the open asks go to them now. "
        return text, cites
    return (
        f'Covers for {absent.name} ("{absent.leaving}"): meet them with {first} before {first} '
        "goes, for a handover, so the open asks have an owner meanwhile. ",
        cites,
    )


def _plan(
    ctx: DealContext, person: StakeholderEngagement, people: list[StakeholderEngagement]
) -> StakeholderPlan:
    approach, channel, collaboration, risk = ROLE_PLAYBOOK.get(
        person.role, ROLE_PLAYBOOK["unknown"]
    )
    caveat, caveat_cites = _caveat(person, ctx.deal)
    covers, covers_cites = _covers(person, people)
    caveat_cites = [*caveat_cites, *covers_cites]
    approach = caveat + covers + approach
    priorities, cites = _priorities(ctx, person)
    message, m_cites = _message(ctx, person)
    value, v_cites = _value(ctx) if message is None else (None, [])
    proposition = (
        (message and f'The argumentation agent suggests: "{message}"')
        or (value and f'The value case says: "{value}"')
        or (
            "No tailored message yet: ask the argumentation agent, or build one from their "
            "priorities"
            if priorities
            else "Unknown: learn their priorities first"
        )
    )
    draft = _draft(ctx, person, bool(priorities), bool(message or value))
    if person.left:  # gone: a thank-you that asks who carries the project now
        first = person.name.split()[0]
        draft = (
            f"Hi {first}, thank you for all your help on the project. Who would you suggest "
            f"we work with at {ctx.deal.account.name} now?"
        )
    elif person.is_away:  # a note to find when they are back, not a meeting request
        first = person.name.split()[0]
        back = f" on {person.away_until.isoformat()}" if person.away_until else ""
        cover = f" with {person.deputy}" if person.deputy else ""
        draft = (
            f"Hi {first}, no need to reply while you are away: I will take the open points "
            f"forward{cover} and keep you posted, and we can catch up when you are back{back}."
        )
    return StakeholderPlan(
        contact_id=person.contact_id,
        name=person.name,
        title=person.title,
        role=person.role,
        influence=person.influence,  # type: ignore[arg-type]
        sentiment=person.sentiment,
        engagement=person.level,
        last_touch=person.last_touch,
        touches_30d=person.touches_30d,
        priorities=priorities,
        approach=approach,
        value_proposition=proposition,
        channel=channel,
        timing=TIMING_BY_LEVEL[person.level],
        message_draft=draft,
        collaboration=collaboration,
        risk_if_disengaged=risk,
        citations=[
            f"deal.contacts[{person.index}]",
            *cites,
            *m_cites,
            *v_cites,
            *(f"deal.activities[{i}]" for i in person.activity_indices[-1:]),
            *(c for c in caveat_cites if c),
        ],
    )


def plan_stakeholders(
    ctx: DealContext, analysis: Analysis, plays: tuple[Play, ...]
) -> StakeholderStrategyResult:
    people = analysis.engagement
    values = deal_values(ctx, analysis)
    # who holds each role: the contacts, then people the text names who are no contact yet
    # ("the plant manager, Stefan Krüger, signs"), so the table agrees with the plans below
    named = [m for m in analysis.mentioned if not any(p.name == m.name for p in people)]
    coverage = []
    for role in DMU_ROLES:
        who = [p.name for p in people if p.role == role]
        who += [f"{m.name or 'the ' + m.title} (not a contact)" for m in named if m.role == role]
        coverage.append(RoleCoverage(role=role, contacts=who, covered=bool(who)))
    gaps = []
    for role in REQUIRED_ROLES:
        holders = [p for p in people if p.role == role]
        if holders and any(p.reliable for p in holders):
            continue
        if role == "economic_buyer" and analysis.economic_buyer is not None and not holders:
            continue  # known from the record's text: a person to add, not a role to find
        check = {
            "economic_buyer": "economic_buyer_identified",
            "champion": "champion_identified",
        }.get(role, "multi_threaded")
        fix = remedy(check, plays, values)
        lost = [_caveat(p) for p in holders]  # the role's holders are leaving or unreachable
        gaps.append(
            RoleGap(
                role=role,
                why_it_matters=" ".join(c for c, _ in lost)
                + (fix.why if fix else ROLE_PLAYBOOK[role][3]),
                how_to_fill=fix.correction if fix else ROLE_PLAYBOOK[role][0],
                citations=[
                    *(c for _, cites in lost for c in cites if c),
                    *(fix.citations if fix else ["deal.contacts"]),
                ],
            )
        )
    order = {r: i for i, r in enumerate(DMU_ROLES)}
    ranked = sorted(people, key=lambda p: (order.get(p.role, 99), p.name))
    plans = [_plan(ctx, p, analysis.engagement) for p in ranked]
    plans += [_mentioned_plan(ctx, m) for m in analysis.mentioned]
    disengaged = [p.name for p in people if p.level in ("dark", "never")]
    champions = analysis.contact("champion")  # who holds the seat now, not who has left
    # who the asks go through: the champion, or whoever stands in for an absent one
    through = champions[0].name if champions else None
    if champions and champions[0].is_away and champions[0].deputy:
        through = f"{champions[0].deputy} (standing in for {champions[0].name})"
    ebs = [p for p in people if p.role == "economic_buyer"]
    sponsor = next((m.name for m in ctx.deal.team if "manager" in m.role.lower()), None)
    alignment = [
        f"Confirm with {through or 'a champion'} who decides, "
        "on what criteria and by when, and write it into the mutual action plan",
        "Hold one working session where each evaluator's criteria are agreed in front "
        "of the others",
        "Send a one-page summary of agreed priorities to every stakeholder after that session",
    ]
    if ebs:
        alignment.append(
            f"Play the agreed priorities back to {ebs[0].name} and get their "
            "confirmation before the proposal"
        )
    building = [
        f"Ask {c.name} to co-own the mutual action plan and present the problem to "
        "the economic buyer with you"
        + (
            f" once back{f' on {c.away_until.isoformat()}' if c.away_until else ''}; "
            f"meanwhile agree with {c.deputy or 'whoever covers for them'} who carries the "
            "deal internally"
            if c.is_away
            else ""
        )
        for c in champions
    ] or [
        "Identify who gains most if the problem is solved and test their willingness "
        "to sell internally"
    ]
    escalations = [
        Escalation(
            contact_id=p.contact_id,
            name=p.name,
            path=[
                f"ask {through} why {p.name} is not engaging"
                if champions and p.role != "champion"
                else f"ask another engaged contact about {p.name}'s priorities",
                f"peer-level outreach from {sponsor}"
                if sponsor
                else "peer-level outreach from an executive of your own company (the deal "
                "team names no manager: choose who)",
                f"raise it with {ebs[0].name} as a risk to the timeline"
                if ebs and p.role != "economic_buyer"
                else "decide whether the deal can proceed without them",
            ],
        )
        for p in people
        if p.level in ("dark", "never") and p.influence != "low" and not p.left
    ]
    return StakeholderStrategyResult(
        coverage=coverage,
        stakeholders=plans,
        gaps=gaps,
        disengaged=disengaged,
        alignment_plan=alignment,
        champion_building=building,
        escalations=escalations,
        citations=[c for plan in plans for c in plan.citations[:1]],
        limitations=limitations_for(ctx),
    )
