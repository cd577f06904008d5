"""Whom a next best action is with: the play's target roles as the deal's contacts, each with
what the record says stands in the way of reaching them (a leave or a departure, a meeting they
did not come to, attempts unanswered), or the economic buyer the text names, or the role as a
gap. Never an invented person."""

from __future__ import annotations

from agent.analysis.model import Analysis, StakeholderEngagement
from agent.capabilities.common.silence import silence
from agent.capabilities.next_best_action.contract import Target
from agent.contracts.deal import Deal
from knowledge.plays import Play


def _absence(p: StakeholderEngagement) -> str | None:
    """What the record says of someone the action needs who is away or on their way out (a
    leave that starts before the plan is done), and who covers: so the plan is made with them
    while they are there, or with their cover."""
    cover = f"; {p.deputy} covers" if p.deputy else ""
    if p.is_away:
        until = f" until {p.away_until.isoformat()}" if p.away_until else ""
        return f'away{until} ("{p.away}"){cover}'
    if p.leaving:  # the words say who covers, if anyone does
        return f'"{p.leaving}"'
    return None


def _target(role: str, p: StakeholderEngagement, deal: Deal) -> Target:
    """A contact the action needs; their absence, else their silence, with where it is said."""
    absence = _absence(p)
    where = p.away_ref or p.leaving_ref
    quiet = silence(p, deal) if absence is None else None
    return Target(
        role=role,
        contact_id=p.contact_id,
        name=p.name,
        title=p.title,
        absence=absence,
        silence=quiet.words if quiet else None,
        citations=quiet.refs if quiet else ([where] if absence and where else []),
    )


def targets_for(play: Play, analysis: Analysis, deal: Deal) -> list[Target]:
    targets = []
    for role in play.meta.targets:
        people = analysis.contact(role)
        if people:
            targets += [_target(role, p, deal) for p in people]
        elif role == "economic_buyer" and (eb := analysis.economic_buyer) is not None:
            # known from the text ("the plant manager, Stefan Krüger, signs"), not a contact
            targets.append(Target(role=role, name=eb.name, title=eb.title, citations=eb.citations))
        elif role in ("economic_buyer", "champion"):
            targets.append(Target(role=role))
    return targets
