"""Signals about the buying group: champion, economic buyer, threading, sentiment, blockers."""

from __future__ import annotations

from agent.analysis.engagement import is_active
from agent.analysis.model import MentionedPerson, Signal, StakeholderEngagement
from agent.analysis.signals import (
    Facts,
    by_role,
    ladder,
    late_stage,
    make_signal,
    rule,
)
from agent.analysis.thresholds import QUIET_DAYS, STALLED_DAYS, UNANSWERED_ATTEMPTS
from agent.contracts.base import Severity


def _economic_buyer_severity(f: Facts) -> Severity:
    """An absent economic buyer matters more the closer the deal is to signature."""
    if late_stage(f):
        return "critical"
    return "high" if f.phase_at_least("solution") else "medium"


def _silent(p: StakeholderEngagement) -> bool:
    """Unanswered twice since they last took part, or the last attempt bounced. Someone whose
    auto-reply says they are away until a date is not silent: they are away (a bare "OOO"
    with no date explains nothing)."""
    away = p.away_until is not None
    return (p.unanswered >= UNANSWERED_ATTEMPTS and not away) or p.unreachable


def _away_for_long(p: StakeholderEngagement, f: Facts) -> bool:
    """Away for longer than a quiet spell from today (or with no return date given)."""
    if not p.is_away:
        return False
    return p.away_until is None or (p.away_until - f.as_of).days > QUIET_DAYS


def _meets_soon(p: StakeholderEngagement, f: Facts) -> bool:
    """Booked into a meeting on the calendar soon, reachable, and not quiet past a stall."""
    days = p.days_since_touch
    booked = any(p.contact_id in m.attendees for m in f.booked_soon())
    return booked and not _silent(p) and days is not None and days <= STALLED_DAYS


def away_words(p: StakeholderEngagement) -> str:
    """'away until 2027-06-14 (auto-reply: "..."); their auto-reply names Larissa Campos to
    contact meanwhile'."""
    until = f" until {p.away_until.isoformat()}" if p.away_until else ""
    says = p.away_says
    deputy = f"; {says} names {p.deputy} to contact meanwhile" if p.deputy else ""
    return f'away{until} ({says.removeprefix("their ")}: "{p.away}"){deputy}'


@rule
def _champion_quiet(f: Facts) -> Signal | None:
    for champ in by_role(f, "champion"):
        days = champ.days_since_touch
        healthy = days is not None and days <= QUIET_DAYS and not _silent(champ)
        if healthy and not _away_for_long(champ, f):
            return None
        if _meets_soon(champ, f):
            return None  # booked to meet us soon: the quiet spell is the wait for it
    champs = by_role(f, "champion")
    if not champs:
        return None
    champ = champs[0]
    cites = [f"deal.contacts[{champ.index}]"]
    if champ.activity_indices:
        cites.append(f"deal.activities[{champ.activity_indices[-1]}]")
    if champ.days_since_touch is None:
        detail = f"{champ.name} ({champ.title}) has never taken part in an activity"
        days = 999
    else:
        detail = f"{champ.name} ({champ.title}) last engaged {champ.days_since_touch} days ago"
        days = champ.days_since_touch
    if _silent(champ):
        detail += f"; {_unanswered(champ)}"
        cites += champ.unanswered_refs
        days = max(days, 22)
    elif champ.is_away:
        detail += f"; {away_words(champ)}"  # a temporary absence, not silence
        cites += [champ.away_ref or ""]
        days = max(days, 22)
    others = [p for p in f.people if p.role != "champion" and p.level == "engaged"]
    if others:
        detail += f", while {others[0].name} is still engaged"
        cites.append(f"deal.contacts[{others[0].index}]")
    severity = ladder(days, ((15, "medium"), (22, "high")))
    if late_stage(f) and severity == "medium":
        severity = "high"
    return make_signal("champion_gone_quiet", severity, detail, cites)


@rule
def _no_champion(f: Facts) -> Signal | None:
    if by_role(f, "champion"):
        return None
    severity: Severity = "high" if f.phase_at_least("solution") else "medium"
    gone = [p for p in f.people if p.role == "champion" and p.left]
    if gone:  # the CRM still names them, the text says they have left
        who = gone[0]
        detail = f'{who.name} ({who.title}), the recorded champion, has left: "{who.leaving}"'
        cites = [f"deal.contacts[{who.index}]", who.leaving_ref or "deal.contacts"]
        return make_signal("no_champion", severity, detail, cites)
    return make_signal(
        "no_champion", severity, "no contact is recorded as champion", ["deal.contacts"]
    )


def _unanswered(p: StakeholderEngagement) -> str:
    if p.unreachable:
        return "the last attempt to reach them bounced: they may have left"
    return f"{p.unanswered} attempts to reach them since went unanswered"


@rule
def _eb_unknown(f: Facts) -> Signal | None:
    if by_role(f, "economic_buyer") or f.buyer is not None:
        return None
    if not f.phase_at_least("discover"):
        return None
    severity = _economic_buyer_severity(f)
    return make_signal(
        "economic_buyer_unknown",
        severity,
        f"no economic buyer identified at stage {f.ctx.deal.stage}",
        ["deal.contacts"],
    )


@rule
def _eb_not_engaged(f: Facts) -> Signal | None:
    eb = f.buyer
    if eb is None or eb.engaged or eb.scheduled:
        return None  # a meeting booked with them is its own signal (meeting_booked)
    who = f"{eb.name} ({eb.title})" if eb.name else f"The {eb.title}"
    detail = (
        f"{who} is the economic buyer and has not taken part in any activity"
        if eb.contact_id
        else f"{who} signs, as the record's text says, and nobody has met them yet"
    )
    return make_signal(
        "economic_buyer_not_engaged", _economic_buyer_severity(f), detail, eb.citations
    )


def unmapped_words(m: MentionedPerson, f: Facts) -> str:
    """'Signe Halvorsen, category buyer (already working the deal)'."""
    words = f"{m.name}, {m.title}" if m.name else f"the {m.title}"
    absent = next((p for p in f.people if p.contact_id == m.stands_in_for), None)
    if absent is not None:
        return words + f" (standing in for {absent.name} while away)"
    return words + (" (already working the deal)" if m.acted else "")


@rule
def _unmapped(f: Facts) -> Signal | None:
    """People the text names with a role who are not in the CRM's buying group."""
    if not f.mentioned:
        return None
    names = "; ".join(unmapped_words(m, f) for m in f.mentioned)
    severity: Severity = (
        "high" if any(m.authority or m.role == "economic_buyer" for m in f.mentioned) else "medium"
    )
    return make_signal(
        "unmapped_stakeholder",
        severity,
        f"named in the record but not a contact: {names}; add them to the CRM",
        list(dict.fromkeys(m.ref for m in f.mentioned)),
    )


@rule
def _outreach_unanswered(f: Facts) -> Signal | None:
    silent = [p for p in f.people if _silent(p)]
    if not silent:
        return None
    key = any(p.role in ("champion", "economic_buyer") for p in silent)
    detail = "; ".join(f"{p.name}: {_unanswered(p)}" for p in silent)
    return make_signal(
        "outreach_unanswered",
        "high" if key else "medium",
        detail,
        [ref for p in silent for ref in [f"deal.contacts[{p.index}]", *p.unanswered_refs]],
    )


@rule
def _single_threaded(f: Facts) -> Signal | None:
    booked = {a for m in f.reading.of("meeting") for a in m.attendees}
    active = [p for p in f.people if is_active(p)]
    if len({*(p.contact_id for p in active), *booked}) > 1 or not f.phase_at_least("qualify"):
        return None  # several people engaged, or booked to meet
    who = f"only {active[0].name} is active" if active else "no stakeholder is active"
    cites = [f"deal.contacts[{p.index}]" for p in active] or ["deal.contacts"]
    severity: Severity = "high" if f.phase_at_least("proposal") else "medium"
    return make_signal("single_threaded", severity, f"{who} in the last 30 days", cites)


@rule
def _negative(f: Facts) -> Signal | None:
    unhappy = [p for p in f.people if p.sentiment == "negative" and p.influence != "low"]
    if not unhappy:
        return None
    severity: Severity = "high" if any(p.influence == "high" for p in unhappy) else "medium"
    names = ", ".join(f"{p.name} ({p.title})" for p in unhappy)
    return make_signal(
        "negative_sentiment",
        severity,
        f"negative sentiment: {names}",
        [f"deal.contacts[{p.index}]" for p in unhappy],
    )


@rule
def _blocker(f: Facts) -> Signal | None:
    blockers = by_role(f, "blocker")
    if not blockers:
        return None
    names = ", ".join(f"{p.name} ({p.title})" for p in blockers)
    return make_signal(
        "blocker_present",
        "high",
        f"blocker in the buying group: {names}",
        [f"deal.contacts[{p.index}]" for p in blockers],
    )
