"""Who and when a chat message means: a person or role named ("Lydia", "the CFO") resolved
against the deal's contacts, and a time as written ("tomorrow", "next Tuesday") as a date.

A person who is not on the deal in focus is an error, not a guess: after switching deals, "prep
me for my call with Gordon" must not brief the new deal's people. The error names the deals
that person is on, among the deals the asker may see (the source is already scoped to them).
"""

from __future__ import annotations

import datetime as dt
import re

from agent.contracts.deal import Contact, Deal
from agent.errors import InvalidInput
from agent.routing.message_slots import TITLE_ACRONYM
from tools.sources import WorkspaceSource

# Role words a rep writes for a title: "CFO" is "Chief Financial Officer" in the CRM.
ROLE_WORDS = {
    "cfo": "chief financial officer",
    "ceo": "chief executive",
    "coo": "chief operating officer",
    "cio": "chief information officer",
    "cto": "chief technology officer",
    "ciso": "chief information security officer",
    "cro": "chief revenue officer",
    "cmo": "chief marketing officer",
    "gm": "general manager",
    "md": "managing director",
    "vp": "vp",
    "legal": "counsel",
    "lawyer": "counsel",
    "procurement": "sourcing|procurement|purchasing",
    "finance": "financ",
}
# The buying-group role (agent/contracts/deal.py DmuRole) nearest to a title or function a rep
# names: with no CFO on the deal, whoever holds the economic buyer's seat is the one to ask
# about. Generic sales knowledge, matched against each deal's own contact roles.
NEAREST_ROLE = {
    "economic_buyer": "cfo ceo coo md gm president owner finance financial budget sponsor "
    "executive exec",
    "technical_evaluator": "cto cio ciso it tech technical architect architecture engineering "
    "security infrastructure",
    "procurement": "procurement purchasing sourcing",
    "legal": "legal lawyer counsel",
    "business_evaluator": "operations ops",
}
_NEAREST = {word: role for role, said in NEAREST_ROLE.items() for word in said.split()}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_NUMBERS |= {"a couple of": 2, "a few": 3}
_IN = re.compile(r"in\s+(\d+|[a-z ]+?)\s+(day|week)s?", re.IGNORECASE)


def words(text: str) -> set[str]:
    """A text's lower-case words and numbers, as a name or title is matched by."""
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def matches(person: str, contact: Contact) -> bool:
    """By first or last name, by a title acronym ("CFO"), or by a word of the title ("IT",
    "procurement")."""
    key = person.strip().lower()
    if key in words(contact.name):
        return True
    title = contact.title.lower()
    if key in ROLE_WORDS:
        return re.search(rf"\b(?:{ROLE_WORDS[key]})", title) is not None
    return len(key) > 1 and key in words(title)


def people_named(person: str, deal: Deal) -> list[Contact]:
    return [c for c in deal.contacts if matches(person, c)]


def resolve(person: str, deal: Deal, source: WorkspaceSource) -> list[Contact]:
    """The deal's contacts the message names; none is an error naming the deals they are on,
    among the deals this asker may see."""
    found = people_named(person, deal)
    if found:
        return found
    role = _NEAREST.get(person.strip().lower())
    if role is not None:
        raise _no_such_role(person, role, deal)
    elsewhere = []
    for summary in source.deals_naming([person]):
        if summary.id == deal.id:
            continue
        other = source.get_deal(summary.id)
        if any(person.lower() in words(c.name) for c in other.contacts):
            elsewhere.append(f"{summary.id} ({summary.account})")
    where = f"; they are on {', '.join(elsewhere)}" if elsewhere else ""
    raise InvalidInput(
        f"{person} is not among {deal.id}'s contacts{where}",
        where="chat message",
        fix=f"Name the deal you mean (e.g. '{elsewhere[0].split()[0]}')"
        if elsewhere
        else _contacts_fix(deal),
    )


def _contacts_fix(deal: Deal) -> str:
    """Whom the rep may name instead: the deal's contacts, or that it has none on record (an
    imported deal often comes with none)."""
    if not deal.contacts:
        return f"{deal.id} has no contacts on record: add them to the deal, or ask about the deal"
    return f"Name one of {deal.id}'s contacts: " + ", ".join(
        f"{c.name} ({c.title})" for c in deal.contacts[:8]
    )


_CAPITALISED = re.compile(r"(?<![\w'’-])([A-Z][a-z][\w'’-]*)")
STAKEHOLDERS = "stakeholder_strategy"
# A message that only points at someone: "what about Piotr?", "and Hamish?", "who is Bea?".
_POINTER = re.compile(
    r"^\s*(?:(?:ok|so|and|but|hm+)[,.]?\s+)*(?:what about|how about|tell me (?:more )?about|"
    r"who(?:'s|’s| is)|anything (?:on|from)|any news (?:on|from)|and)?\s*"
    r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?\s*[?.!]*\s*$"
)


def points_at_someone(message: str) -> bool:
    return _POINTER.match(message) is not None


def someone_named(message: str, deal_id: str | None, source: WorkspaceSource) -> str | None:
    """A contact's first or last name in a message the classifier could not place ("what
    about Marguerite?", "and Piotr?"): the word as written, when it names a contact of the
    deal in focus or of another deal this asker may see; None otherwise (a competitor, a
    product, a place). A message's first word counts only in a message of two words or less,
    where it is the whole ask ("Marguerite?")."""
    capitalised: list[str] = _CAPITALISED.findall(message)
    said = message.split()
    if capitalised and len(said) > 2 and said[0].startswith(capitalised[0]):
        capitalised = capitalised[1:]
    capitalised = [w.removesuffix("'s").removesuffix("’s") for w in capitalised]
    if not capitalised:
        return None
    ids = [deal_id] if deal_id else []
    ids += [d.id for d in source.deals_naming(capitalised) if d.id != deal_id]
    for deal in (source.get_deal(i) for i in ids):
        for word in capitalised:
            if any(word.lower() in words(c.name) for c in deal.contacts):
                return word
    return None


def _no_such_role(person: str, role: str, deal: Deal) -> InvalidInput:
    """No contact with that title: the deal's holder of the nearest buying-group role, by
    the deal's own roles (or all contacts, when nobody holds it)."""
    said = person.upper() if TITLE_ACRONYM.fullmatch(person) or person.lower() == "it" else person
    holders = [c for c in deal.contacts if c.dmu_role == role]
    if holders:
        who = " or ".join(f"{c.name} ({c.title})" for c in holders[:2])
        return InvalidInput(
            f"{'nobody from IT is' if said == 'IT' else f'there is no {said}'} on {deal.id}",
            where="chat message",
            fix=f"Did you mean {who}, the {role.replace('_', ' ')}? Ask with their name, "
            f"e.g. '{holders[0].name.split()[0]}'",
        )
    return InvalidInput(
        f"there is no {said} on {deal.id}, and nobody holds the {role.replace('_', ' ')}'s seat",
        where="chat message",
        fix=_contacts_fix(deal),
    )


def on_date(when: str, today: dt.date) -> dt.date | None:
    """The date a rep means by "tomorrow", "fri", "next Tuesday", "in two days", relative to
    today; a weekday is its next occurrence after today. None when it is not a time."""
    text = " ".join(when.lower().split())
    if text in ("today", "tonight"):
        return today
    if text == "tomorrow":
        return today + dt.timedelta(days=1)
    if text == "day after tomorrow":
        return today + dt.timedelta(days=2)
    if text in ("next week", "coming week"):
        return today + dt.timedelta(days=7)
    if counted := _IN.fullmatch(text):
        amount, unit = counted.group(1), counted.group(2)
        n = int(amount) if amount.isdigit() else _NUMBERS.get(amount.strip())
        if n is None:
            return None
        return today + dt.timedelta(days=n * (7 if unit == "week" else 1))
    day = text.split()[-1]
    index = next((i for i, name in enumerate(DAYS) if name.startswith(day[:3])), None)
    if index is None or len(day) < 3:
        return None
    ahead = (index - today.weekday()) % 7 or 7
    return today + dt.timedelta(days=ahead)
