"""Which of the deal's contacts, or of the seller's own people, a text names: a full name, or a
first or last name alone, in a sentence; a person written with a name and/or a title.

The rules, the model reader's verification and the absence reader all tie people to the deal
the same way, so the matching lives once here: a contact is never added again as someone new,
and the seller's own people are never buyers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from agent.contracts.deal import Deal
from agent.memo import PerObject
from agent.reading.titles import ACRONYM, TITLE


def people_in(sentence: str, deal: Deal) -> list[str]:
    """Contact ids the sentence names (a full name, or a first or last name alone)."""
    return [cid for _, _, cid in mentions(sentence, deal)]


def mentions(sentence: str, deal: Deal) -> list[tuple[int, int, str]]:
    """(start, end, contact id) of each contact the sentence names, in the contacts' order:
    where it names them first by their full name, else by a first or last name alone."""
    found = []
    for c in deal.contacts:
        for part in name_forms(c.name):
            # a name not in the sentence at all needs no word-boundary search
            if part in sentence:
                m = re.search(rf"\b{re.escape(part)}\b", sentence)
                if m is not None:
                    found.append((m.start(), m.end(), c.id))
                    break
    return found


def name_forms(name: str) -> list[str]:
    """How a text may name a person: the full name, else any word of it alone (of three
    letters at least: "Al" is no name to look for)."""
    return [part for part in (name, *name.split()) if len(part) > 2]


def named_or_titled(sentence: str, deal: Deal) -> list[str]:
    """Contact ids the sentence names, by name, then by title ("the finance director")."""
    found = people_in(sentence, deal)
    for m in TITLE.finditer(sentence):
        contact = contact_for(deal, None, m.group("title"))
        if contact is not None and contact not in found:
            found.append(contact)
    return found


@dataclass(frozen=True)
class KnownContact:
    """A contact as the matching reads it: name words, the title's initials, the title."""

    contact_id: str
    tokens: frozenset[str]
    acronym: str
    title: str


def _acronym(title: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", title) if w.lower() not in ("of", "and", "the")]
    return "".join(w[0] for w in words).upper()


def known_contacts(deal: Deal) -> tuple[KnownContact, ...]:
    """Once per deal object: asked for every sentence, and a big deal has hundreds of contacts."""
    return _KNOWN.get(
        deal, None, lambda: _known_of(tuple((c.id, c.name, c.title) for c in deal.contacts))
    )


_KNOWN: PerObject[tuple[KnownContact, ...]] = PerObject(maxsize=64)


@lru_cache(maxsize=256)
def _known_of(contacts: tuple[tuple[str, str, str], ...]) -> tuple[KnownContact, ...]:
    """Cached by the contacts' ids, names and titles: read once per text, built once."""
    return tuple(
        KnownContact(cid, frozenset(t.lower() for t in name.split()), _acronym(title), title)
        for cid, name, title in contacts
    )


def seller_names(deal: Deal) -> list[frozenset[str]]:
    """The name words of the seller's own people (owner and team), once per deal object."""
    return list(_SELLERS.get(deal, None, lambda: _sellers_of(deal)))


def _sellers_of(deal: Deal) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(t.lower() for t in m.name.split()) for m in [deal.owner, *deal.team])


_SELLERS: PerObject[tuple[frozenset[str], ...]] = PerObject(maxsize=64)


def among_sellers(name: str, sellers: list[frozenset[str]]) -> bool:
    """The name is one of ours: all its words are one seller's ('Rita', 'Rita Seller'); a
    customer who shares a first name with one of ours ('Mark Jensen', 'Mark Rossi') is not."""
    tokens = {t.lower() for t in name.split()}
    return any(tokens <= seller for seller in sellers)


_UNDER = r"(?:deputy|assistant|associate|vice|former|ex)"


def _title_words(title: str) -> frozenset[str]:
    """A title's words in any order, without the small ones ("Director of IT": director, it)."""
    words = re.findall(r"[a-z]+", title.lower())
    return frozenset(w for w in words if w not in ("of", "the", "and", "for"))


def contact_among(name: str | None, title: str, known: Sequence[KnownContact]) -> str | None:
    """The first contact in `known` sharing two of the name's words (its one word for a
    one-word name); with no name, the one contact the title is (None when none or several)."""
    if name:
        tokens = {t.lower() for t in name.split()}
        for k in known:
            if tokens & k.tokens and (len(tokens & k.tokens) >= min(2, len(tokens))):
                return k.contact_id
        return None
    acronym = title.upper() if ACRONYM.match(title) else _acronym(title)
    wanted = title.lower()
    matches = [
        k
        for k in known
        if k.acronym == acronym
        or wanted in k.title.lower()
        or any(_acronym(part) == acronym for part in re.split(r"[,&/]| and ", k.title))
        or _title_words(wanted) == _title_words(k.title)  # "IT director", "Director of IT"
    ]
    if len(matches) > 1:  # "the CISO" is the Chief Information Security Officer, not the
        # deputy CISO: a title under the one written is a different seat
        under = re.compile(rf"\b{_UNDER}[- ]{re.escape(wanted)}\b", re.IGNORECASE)
        matches = [k for k in matches if not under.search(k.title)] or matches
    return matches[0].contact_id if len(matches) == 1 else None


def contact_for(deal: Deal, name: str | None, title: str | None) -> str | None:
    """The contact a person written as `name` and/or `title` is, by the rules' own matching:
    for facts read by a model, so that a contact is never added again as someone new."""
    if not name and not title:
        return None
    return contact_among(name, title or "", known_contacts(deal))


def is_seller(deal: Deal, name: str | None) -> bool:
    """A name of the seller's own people (the owner, the team): never a buyer."""
    return bool(name) and among_sellers(name or "", seller_names(deal))


def seller_side(quote: str, title: str) -> bool:
    """'our CFO' in a rep's note is the seller's own CFO."""
    return re.search(rf"\b(?:our|my)\s+{re.escape(title)}\b", quote, re.IGNORECASE) is not None
