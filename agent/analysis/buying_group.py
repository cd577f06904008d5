"""The buying group as the record and its text show it: people named in notes, activities or a
call who are not contacts yet, and who the economic buyer is.

The economic buyer is the contact with that role; else a contact the text says signs; else a
person the text names with a finance or executive title (the one it says signs first); else
nobody, which is the signal `economic_buyer_unknown`. A person known only from text is not
engaged: nobody has met them in the record. A contact whose auto-reply says they are away is
away until the date it gives, with the deputy it names: a temporary absence, not a departure.
"""

from __future__ import annotations

import datetime as dt
import re

from agent.analysis.model import EconomicBuyer, MentionedPerson, StakeholderEngagement
from agent.contracts.deal import Deal
from agent.contracts.facts import Fact, Reading

# An auto-reply that gives no return date still means away, for about two weeks.
AWAY_UNDATED_DAYS = 14


def mentioned_people(reading: Reading) -> list[MentionedPerson]:
    """People named in free text who are not contacts, one entry each (by name, else title)."""
    merged: dict[str, MentionedPerson] = {}
    for fact in reading.of("person"):
        if fact.contact_id is not None or fact.title is None or fact.role is None or fact.hedged:
            continue  # a contact, or a guess ("maybe the COO"): nobody to add
        key = (fact.person or fact.title).lower()
        seen = merged.get(key)
        if seen is None:
            merged[key] = MentionedPerson(
                name=fact.person,
                title=fact.title,
                role=fact.role,
                authority=bool(fact.authority),
                met=fact.met,
                acted=bool(fact.acted),
                ref=fact.ref,
                quote=fact.quote,
                stands_in_for=fact.stands_in_for,
                until=fact.until if fact.stands_in_for else None,
            )
            continue
        better = (bool(fact.authority) and not seen.authority) or (
            bool(fact.acted) and not seen.acted and not seen.authority
        )
        merged[key] = seen.model_copy(
            update={
                "authority": seen.authority or bool(fact.authority),
                "met": False if False in (seen.met, fact.met) else (seen.met or fact.met),
                "acted": seen.acted or bool(fact.acted),
                "role": fact.role if better else seen.role,
                "ref": fact.ref if better else seen.ref,
                "quote": fact.quote if better else seen.quote,
                "stands_in_for": seen.stands_in_for or fact.stands_in_for,
                "until": seen.until or (fact.until if fact.stands_in_for else None),
            }
        )
    # A title alone ("the CFO") is the same person as a named one with that title.
    named_titles = {m.title.lower() for m in merged.values() if m.name}
    return [m for m in merged.values() if m.name or m.title.lower() not in named_titles]


def _scheduled(
    reading: Reading, contact_id: str | None, name: str | None, title: str
) -> str | None:
    """A meeting booked with them: by attendee, or a booking sentence that names them."""
    words = [w for w in ([name] if name else []) + [title] if w]
    for fact in reading.of("meeting"):
        if contact_id and contact_id in fact.attendees:
            return fact.ref
        if any(re.search(rf"\b{re.escape(w)}\b", fact.quote, re.IGNORECASE) for w in words):
            return fact.ref
    return None


def _signs(reading: Reading, contact_id: str) -> Fact | None:
    return next(
        (
            f
            for f in reading.of("person")
            if f.contact_id == contact_id and f.authority and f.role == "economic_buyer"
        ),
        None,
    )


def economic_buyer(
    deal: Deal,
    people: list[StakeholderEngagement],
    mentioned: list[MentionedPerson],
    reading: Reading,
) -> EconomicBuyer | None:
    by_role = [p for p in people if p.role == "economic_buyer"]
    signer = next(
        ((p, f) for p in people if (f := _signs(reading, p.contact_id)) is not None), None
    )
    if by_role or signer:
        person, fact = (by_role[0], None) if by_role else signer  # type: ignore[misc]
        return EconomicBuyer(
            name=person.name,
            title=person.title,
            contact_id=person.contact_id,
            engaged=bool(person.activity_indices),
            scheduled=_scheduled(reading, person.contact_id, person.name, person.title),
            citations=[f"deal.contacts[{person.index}]", *([fact.ref] if fact else [])],
        )
    candidates = [m for m in mentioned if m.role == "economic_buyer"]
    if not candidates:
        return None
    chosen = sorted(candidates, key=lambda m: (not m.authority, m.name is None))[0]
    return EconomicBuyer(
        name=chosen.name,
        title=chosen.title,
        engaged=bool(chosen.met),
        scheduled=_scheduled(reading, None, chosen.name, chosen.title),
        citations=[chosen.ref],
    )


def with_absences(
    people: list[StakeholderEngagement], reading: Reading, as_of: dt.date
) -> list[StakeholderEngagement]:
    """Each contact whose latest auto-reply says they are away (until a date still to come, or
    with no date and sent in the last AWAY_UNDATED_DAYS), and who has not taken part in
    anything since, marked away with the deputy it names. Away is not gone: they are back on
    that date."""
    deputies = _deputies(reading)
    away: dict[str | None, list[Fact]] = {}  # auto-replies by contact, read once, in order
    for f in reading.of("outreach"):
        if f.outcome == "out_of_office" and f.on:
            away.setdefault(f.contact_id, []).append(f)
    marked = []
    for p in people:
        replies = away.get(p.contact_id, [])
        latest = max(replies, key=lambda f: f.on or as_of, default=None)
        if latest is None or latest.on is None or latest.on > as_of:
            marked.append(p)
            continue
        since = p.last_touch is not None and p.last_touch > latest.on
        current = (
            latest.until >= as_of
            if latest.until is not None
            else (as_of - latest.on).days <= AWAY_UNDATED_DAYS
        )
        if since or not current:
            marked.append(p)
            continue
        marked.append(
            p.model_copy(
                update={
                    "away_until": latest.until,
                    "away": latest.quote,
                    "away_ref": latest.ref,
                    "deputy": deputies.get(p.contact_id),
                }
            )
        )
    return marked


def _deputies(reading: Reading) -> dict[str | None, str | None]:
    """Who the text names to stand in for each contact (an auto-reply's deputy, a cover)."""
    return {f.stands_in_for: f.person for f in reading.of("person") if f.stands_in_for and f.person}


def with_departures(
    people: list[StakeholderEngagement], reading: Reading, as_of: dt.date
) -> list[StakeholderEngagement]:
    """Each contact the text says is leaving (or has left), marked, with who covers for them,
    and as gone once the last day it gives has passed; one on a leave with an end ("on parental
    leave until March") is away until then instead, and marked no more once back. An
    unreachable one (their last attempt bounced) counts as dark, whatever the CRM's dates
    say."""
    leaving = {f.contact_id: f for f in reading.of("departure") if f.contact_id}
    deputies = _deputies(reading)
    marked = []
    for p in people:
        update: dict[str, object] = {}
        fact = leaving.get(p.contact_id)
        if fact is not None and (fact.until is None or as_of < fact.until):
            update["deputy"] = deputies.get(p.contact_id)
            started = fact.on is not None and fact.on <= as_of
            if started and fact.until is not None:  # on leave: away until the day they are back
                update.update(away_until=fact.until, away=fact.quote, away_ref=fact.ref)
            else:
                update.update(leaving=fact.quote, leaving_ref=fact.ref)
                if started:
                    update.update(left=True, level="dark")
        if p.unreachable:
            update["level"] = "dark"
        marked.append(p.model_copy(update=update) if update else p)
    return marked
