"""The buying group as the record and its text show it: people named in notes, activities or a
call who are not contacts yet, and who the economic buyer is.

The economic buyer is the contact with that role; else a contact the text says signs; else a
person the text names with a finance or executive title (the one it says signs first); else
nobody, which is the signal `economic_buyer_unknown`. A person known only from text is not
engaged: nobody has met them in the record.
"""

from __future__ import annotations

import re

from agent.analysis.model import EconomicBuyer, MentionedPerson, StakeholderEngagement
from agent.contracts.deal import Deal
from agent.contracts.facts import Fact, Reading


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
                ref=fact.ref,
                quote=fact.quote,
            )
            continue
        better = bool(fact.authority) and not seen.authority
        merged[key] = seen.model_copy(
            update={
                "authority": seen.authority or bool(fact.authority),
                "met": False if False in (seen.met, fact.met) else (seen.met or fact.met),
                "role": fact.role if better else seen.role,
                "ref": fact.ref if better else seen.ref,
                "quote": fact.quote if better else seen.quote,
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


def with_departures(
    people: list[StakeholderEngagement], reading: Reading
) -> list[StakeholderEngagement]:
    """Each contact the text says is leaving (or has left), marked; an unreachable one (their
    last attempt bounced) counts as dark, whatever the CRM's dates say."""
    leaving = {f.contact_id: f for f in reading.of("departure") if f.contact_id}
    marked = []
    for p in people:
        update: dict[str, object] = {}
        if p.contact_id in leaving:
            update.update(
                leaving=leaving[p.contact_id].quote, leaving_ref=leaving[p.contact_id].ref
            )
        if p.unreachable:
            update["level"] = "dark"
        marked.append(p.model_copy(update=update) if update else p)
    return marked
