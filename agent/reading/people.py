"""People the free text names with a title or role: "the CFO, Henrike Sauer, signs off anything
above EUR 150k", "our CISO has to review this", "Siobhán has not been involved so far".

Rules a coach can read, no model: a title from a lexicon of buying roles (C-level acronyms,
"finance director", "head of procurement", "general counsel" ...) with the name written next to
it, if any; the buying role it implies; whether the sentence gives them authority over the spend
("signs off", "approves", "budget holder") and whether we have met them ("we have not met her").
A person who is one of the deal's contacts is tied to that contact; the seller's own people and
the seller's own roles ("our sales manager" in a rep's note) are not buyers.

The title lexicon is titles.py, the name written beside a title names.py, and which contact or
seller a person is contacts.py; this module reads what each sentence says about the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agent.contracts.deal import Deal
from agent.contracts.facts import Fact
from agent.gates import gate
from agent.reading.contacts import among_sellers, contact_among, known_contacts, seller_names
from agent.reading.names import name_near
from agent.reading.spans import sentence_spans
from agent.reading.titles import (
    ACRONYM,
    TITLE,
    is_department,
    may_hold_title,
    role_of,
)

_AUTHORITY = re.compile(
    r"\b(?:signs?(?: off| the)?|sign-off|signature|approves?|approval|has to approve|"
    r"must approve|budget (?:holder|owner)|holds the budget|owns the budget|final say|"
    r"authori[sz]es?|releases? the budget|decides|decision maker|chairs? the investment)\b",
    re.IGNORECASE,
)
_SPEND = re.compile(
    r"\b(?:spend|budget|anything above|over|above|investment|purchase|contract|deal|"
    r"payback|business case|capex|opex|[$€£¥]|EUR|USD|GBP|SGD|JPY|AUD|CAD|CHF|INR)\b",
    re.IGNORECASE,
)
_NOT_MET = re.compile(
    r"\b(?:(?:have|has|had)n'?t (?:yet )?(?:met|spoken|talked)|(?:have|has|had) not (?:yet )?"
    r"(?:met|spoken|talked|been involved)|never (?:met|spoken)|not (?:been )?involved|"
    r"no contact with|not (?:yet )?met|we don'?t know (?:her|him|them))\b",
    re.IGNORECASE,
)
_MET = re.compile(
    r"\b(?:we met|met with|spoke with|presented to|walked (?:her|him) through)\b", re.IGNORECASE
)
_UNSURE = re.compile(
    r"\b(?:not sure|unsure|maybe|perhaps|might be|may be|unclear|don'?t know|do not know|"
    r"doesn'?t know|does not know|no idea|will find out|to find out|whether|either|or the)\b",
    re.IGNORECASE,
)
_SELLER_SIDE = ("our", "my")


_PRONOUN = re.compile(r"\b(?:her|him|them|she|he|they)\b", re.IGNORECASE)


def _met(sentence: str, following: str, name: str | None, text: str) -> bool | None:
    """False when the text says we have not met them: in the same sentence, in the next one
    about 'her' or 'him', or anywhere it uses their first name; True when it says we met."""
    if _NOT_MET.search(sentence):
        return False
    if _NOT_MET.search(following) and _PRONOUN.search(following):
        return False
    if name:
        first = re.escape(name.split()[0])
        for a, b in sentence_spans(text):
            other = text[a:b]
            if re.search(rf"\b{first}\b", other) and _NOT_MET.search(other):
                return False
    return True if _MET.search(sentence) else None


# What someone does for the deal: sends, asks, runs, reviews. Not authority ("signs off
# anything above"), nor a plan ("will send"), nor what we did to them ("we sent the CFO").
_ACTED = re.compile(
    r"\b(?:sent|sends|mailed|e-?mailed|e-?mails|forwarded|shared|asked|asks|requested|requests|"
    r"runs|is running|ran|leads|is leading|led|reviewed|reviews|is reviewing|returned|called|"
    r"rang|replied|answered|wrote|joined|invited|set up|opened|issued|started|kicked off|"
    r"came back|got back|reached out|contacted|raised|queried|pushed back|signed off|"
    r"challenged|provided|handed (?:us|over))\b",
    re.IGNORECASE,
)
_NOT_DONE_YET = re.compile(
    r"\b(?:not|never|yet to)\b|n['’]t\b|\b(?:will|would|shall|going to|to be|should|needs? to|"
    r"has to|have to|may|might|could|can|once|if|when|whether|before)\b",
    re.IGNORECASE,
)
# Someone else doing it: "the CFO, whom we emailed, ..."; a new clause after a full stop.
_OTHER_SUBJECT = re.compile(r"\b(?:we|I|you|us)\b|[;.!?]", re.IGNORECASE)


_DEPARTMENT_LEAD = re.compile(
    r"\s+(?:(?:has|have|had|already|also|now|just|then|today|yesterday|finally)\s+){0,3}", re.I
)
_PRONOUN_SUBJECT = re.compile(r"^\W*(?:she|he|they)\s+(?:\w+ly\s+|also\s+|now\s+)?", re.I)


def acted_for_deal(sentence: str, after: int, following: str = "") -> bool | None:
    """True when the person named just before `after` is the subject of something done for the
    deal ("... mailed us the onboarding pack", "..., who runs the commercial round"); False when
    the words say they have not done it; None when they say nothing either way. The next
    sentence counts when it carries on about 'she' or 'he' ("She runs the round from now")."""
    rest = sentence[after : after + 120]
    m = _ACTED.search(rest)
    if m is not None and _OTHER_SUBJECT.search(rest[: m.start()]) is None:
        before = rest[: m.start()]
        if re.search(r"\b(?:not|never|yet to)\b|n['’]t\b", before, re.I):
            return False
        if _NOT_DONE_YET.search(before) is None:
            return True
    lead = _PRONOUN_SUBJECT.match(following)
    if lead is not None and _ACTED.match(following, lead.end()) is not None:
        return True
    return None


_TITLE_GATE = gate(TITLE)


def read_people(ref: str, text: str, deal: Deal, seller_written: bool) -> Iterator[Fact]:
    """Person facts in one free text. `seller_written`: a rep's note or an activity summary,
    where 'our CFO' is the seller's own."""
    if not _TITLE_GATE.may_match(text):
        return
    spans = sentence_spans(text)
    for n, (s_start, s_end) in enumerate(spans):
        sentence = text[s_start:s_end]
        following = text[s_end : spans[n + 1][1]] if n + 1 < len(spans) else ""
        found = list(_people_in(sentence, following, text, ref, deal, seller_written))
        named_roles = {f.role for f in found if f.person}
        for fact in found:  # "Signe Halvorsen (Einkauf, category buyer)": one person
            if fact.person or not is_department(fact.title) or fact.role not in named_roles:
                yield fact


def _people_in(
    sentence: str, following: str, text: str, ref: str, deal: Deal, seller_written: bool
) -> Iterator[Fact]:
    """Person facts in one sentence of `text`."""
    if not may_hold_title(sentence):
        return
    known, sellers = known_contacts(deal), seller_names(deal)
    for m in TITLE.finditer(sentence):
        det = (m.group("det") or "").lower()
        if seller_written and det in _SELLER_SIDE:
            continue
        title = m.group("title")
        department = is_department(title)
        if (  # a bare lower-case phrase ("owner of the process") is not a title
            ACRONYM.match(title.replace(" ", "")) is None
            and title[0].islower()
            and not det
            and not department
            and not re.search(
                r"\b(?:director|officer|counsel|manager|head|buyer|purchaser)\b", title, re.I
            )
        ):
            continue
        acted: bool | None
        if department:  # "Purchasing sent us ...": the verb right after the department
            lead = _DEPARTMENT_LEAD.match(sentence, m.end())
            acted = lead is not None and _ACTED.match(sentence, lead.end()) is not None
            if not acted:
                continue  # a department mentioned ("the procurement process"), nobody acting
        else:
            acted = acted_for_deal(sentence, m.end(), following)
        name = None if department else name_near(sentence, m.start(), m.end())
        if name and among_sellers(name, sellers):
            continue
        role, executive = role_of(title)
        authority = bool(_AUTHORITY.search(sentence)) or None
        if role == "influencer" and authority:
            role = "economic_buyer" if _SPEND.search(sentence) else role
        elif role == "economic_buyer" and not executive:
            role = "influencer"
        met = _met(sentence, following, name, text)
        hedged = bool(_UNSURE.search(sentence)) and not name
        yield Fact(
            kind="person",
            ref=ref,
            quote=sentence.strip(),
            person=name,
            title=title,
            contact_id=contact_among(name, title, known),
            role=role,
            authority=None if hedged else authority,
            acted=acted,
            met=met,
            hedged=hedged,
        )
