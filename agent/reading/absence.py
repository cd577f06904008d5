"""Someone away for a while, in the words of an e-mail's auto-reply: "Out of office until 3 Dec",
"On paternity leave until 14 June. For the project please contact Larissa Campos (Coordenadora
de PCM)", "OOO until 12/3 - in my absence contact Tom Berg".

An auto-reply says the person is away, not gone: it is a temporary absence with a date they
are back, never a departure. It often names who stands in for them meanwhile, a person to
engage while they are away (and who may not be in the CRM at all). Read from the outcome of an
attempt to reach someone (outreach.py): when they are back, in the reply's own words, and the
deputy it names, with their title when the reply gives one.

The outreach fact of an auto-reply gets the return date (`until`, quoting the sentence that
gives it); the deputy becomes a person fact that `stands_in_for` the absent contact.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from agent.contracts.deal import Deal
from agent.contracts.facts import Fact
from agent.reading.contacts import contact_for, is_seller
from agent.reading.dates import resolve_when
from agent.reading.refs import activity_at
from agent.reading.spans import sentence_spans
from agent.reading.texts import outcome_text

# The words before a return date: "until", "till", "back on", "returning", "até" (pt), "hasta"
# (es), "bis" (de), "jusqu'au" (fr).
UNTIL = re.compile(  # the words before a return date
    r"\b(?:until|till|til|through|thru|back(?:\s+(?:in the office|at work|at my desk))?"
    r"(?:\s+(?:on|from))?|returning(?:\s+on)?|return(?:s|ing)?(?:\s+to the office)?\s+on|"
    r"até|hasta|bis|jusqu['’]au)\s+",
    re.I,
)
_NUMERIC = re.compile(r"^(?:the\s+)?(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2,4}))?\b")
# Who to reach meanwhile: "please contact Larissa Campos", "in my absence, reach out to Tom",
# "Priya Shah is covering", "my colleague Tom Berg will handle ...".
_NAME = (
    r"[A-ZÀ-Ý][\w'’-]+(?:\s+(?:(?:de|da|do|dos|das|van|von|der|del|la|le|di|bin)\s+)?"
    r"[A-ZÀ-Ý][\w'’-]+){0,3}"
)
_DEPUTY = re.compile(
    r"\b(?:please\s+)?(?:contact|reach out to|reach|e-?mail|write to|get in touch with|call|"
    r"speak to|talk to|direct (?:your |any )?(?:questions|queries|requests) to|forward (?:it|"
    r"your (?:e-?mail|message)) to)\s+(?:my (?:colleague|deputy|team-?mate|manager)\s+)?"
    rf"(?P<a>{_NAME})|"
    rf"\b(?:my (?:colleague|deputy|backup|team-?mate)\s+)?(?P<b>{_NAME})\s+(?:is|will be)\s+"
    r"(?:covering|handling|looking after|deputi[sz]ing|standing in|my (?:deputy|backup|cover))",
)
_TITLE_AFTER = re.compile(
    r"^\s*(?:\((?P<p>[^()]{2,60})\)|,\s*(?:our|my|the)\s+(?P<c>[^,.;]{2,50})[,.;])"
)
# Words a name cannot start with: "Contact Us", "Please contact the service desk".
_NOT_A_NAME = frozenset(
    re.findall(
        r"\w+",
        """the our my your their this that us me him her them support service help desk team
        office reception customer""",
    )
)


@dataclass(frozen=True)
class Absence:
    """An auto-reply's reading: when they are back (None when it does not say) and the deputy
    it names (None when it names nobody), each with the sentence that says so."""

    until: dt.date | None
    until_quote: str | None
    deputy: str | None
    deputy_title: str | None
    deputy_quote: str | None


def _numeric(text: str, written: dt.date) -> dt.date | None:
    """'14/06', '12/3', '3.12.2026': day and month in either order when both are 12 or less,
    the reading nearest after the day it was written (an absence is counted in days or weeks)."""
    m = _NUMERIC.match(text)
    if m is None:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    year = int(m.group(3)) if m.group(3) else None
    if year is not None and year < 100:
        year += 2000
    found = []
    for day, month in ((a, b), (b, a)):
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1]):
            continue
        for y in [year] if year else [written.year, written.year + 1]:
            try:
                date = dt.date(y, month, day)
            except ValueError:
                continue
            if date >= written:
                found.append(date)
                break
    return min(found) if found else None


def back_on(text: str, written: dt.date) -> tuple[dt.date, str] | None:
    """The first date the text says they are away until, on or after `written`, with the
    sentence it is in."""
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        for m in UNTIL.finditer(sentence):
            rest = sentence[m.end() :]
            found = _numeric(rest, written) or resolve_when(m.group(0) + rest, written)
            if found is not None and found >= written:
                return found, sentence
    return None


def deputy_in(text: str) -> tuple[str, str | None, str] | None:
    """(name, title, the sentence) of the person the reply says to contact meanwhile."""
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        for m in _DEPUTY.finditer(sentence):
            group = "a" if m.group("a") else "b"
            name = m.group(group)
            if name.split()[0].lower() in _NOT_A_NAME:
                continue
            t = _TITLE_AFTER.match(sentence[m.end(group) :])
            title = (t.group("p") or t.group("c")).strip() if t else None
            return name, title, sentence
    return None


def read_absence(text: str, written: dt.date) -> Absence:
    """What an auto-reply says: back when, and who to contact meanwhile."""
    back = back_on(text, written)
    deputy = deputy_in(text)
    return Absence(
        until=back[0] if back else None,
        until_quote=back[1] if back else None,
        deputy=deputy[0] if deputy else None,
        deputy_title=deputy[1] if deputy else None,
        deputy_quote=deputy[2] if deputy else None,
    )


def read_absences(deal: Deal, outreach: list[Fact]) -> list[Fact]:
    """The outreach facts, each auto-reply with the date its sender is back, followed by a
    person fact for every deputy an auto-reply names (once per name)."""
    names = {c.id: c.name for c in deal.contacts}
    kept: list[Fact] = []
    deputies: dict[str, Fact] = {}
    for fact in outreach:
        at = activity_at(fact.ref, "outcome")
        text = outcome_text(deal.activities[at].outcome) if at is not None else None
        if fact.outcome != "out_of_office" or not text:
            kept.append(fact)
            continue
        away = read_absence(text, fact.on or deal.created)
        update: dict[str, object] = {"until": away.until}
        if away.until_quote:
            update["quote"] = away.until_quote
        kept.append(fact.model_copy(update=update))
        who = away.deputy
        if who is None or away.deputy_quote is None or is_seller(deal, who):
            continue
        contact = contact_for(deal, who, None)
        if contact == fact.contact_id:
            continue  # "contact me on my mobile": not a deputy
        deputies[who.lower()] = Fact(
            kind="person",
            ref=fact.ref,
            quote=away.deputy_quote,
            person=who,
            title=away.deputy_title or f"stand-in for {names.get(fact.contact_id or '', 'them')}",
            contact_id=contact,
            role="influencer",
            stands_in_for=fact.contact_id,
            until=away.until,
            on=fact.on,
        )
    return kept + list(deputies.values())
