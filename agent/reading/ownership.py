"""Whose a fact in the deal's text is: the customer's, the record's, or the seller's own proposal.

A methodology element asks for the customer's evidence: a critical event the customer names, a
baseline and a target they stated, a cause they diagnosed. The same words from the seller (a
go-live date the rep proposed, the rep's 30% estimate, the engineer's hunch about a cause) are a
proposal the customer has not bought. Three owners for a phrase in a sentence, as readable rules:

- **customer**: inside a customer's own words (a quote, reported speech, a customer's call line,
  see actors.voices), attributed to a customer ("per Napat", "according to Valeria", "in Zsófia's
  words", a line that opens "Zsófia: ..."), done by a named customer (the sentence's actor,
  actors.Reader.actor: "Zsófia estimates HUF 60m"), or, with no actor, told to us in an activity
  the customer took part in ("First call with Graham. Assignment takes 3.4 days").
- **seller**: inside the seller's words ("I told Zsófia that we can go live before 1 July", a
  rep's call line); the seller proposing, suggesting, offering, estimating or guessing ("I
  suggested we aim for July", "we reckon 30%", "our engineer suspects the cause is ..."); or the
  seller's own artefacts outside a customer's words (our estimate, our business case, a benchmark
  from other customers, a launch-year price, "if they sign by ...").
- **record**: anything else, a fact the rep wrote in a note or the seller found out ("we learned
  the licence runs out on 30 June"), or an upstream agent's prose. It is the record's evidence,
  as before; only a customer's own words settle an element that asks for them.
"""

from __future__ import annotations

import re
from typing import Literal

from agent.reading.actors import SELLER, Reader, voice_at
from agent.reading.patterns import any_words

Owner = Literal["customer", "record", "seller"]
Spoken = list[tuple[int, int, str | None]]


# The seller putting something forward: what follows is the seller's, not the customer's.
PROPOSAL = any_words(
    r"told|suggest\w*|propos\w*|offer\w*|pitch\w*|recommend\w*|float\w*|promis\w*|"
    r"push(?:ed|ing)? for|aim(?:ed|ing|s)? for|estimat\w*|reckon\w*|project(?:ed|s|ing)|"
    r"assum\w*|modell?ed|calculat\w*|think|thinks|thought|believe\w*|suspect\w*|guess\w*|"
    r"hypothes\w*|put (?:down|in)|pencil(?:l?ed)? in|showed|show|demo\w*|present\w*|"
    r"claim\w*|quot\w*"
)
# The seller's own artefacts and terms: figures, prices and dates that are ours, not theirs.
SELLER_ARTEFACT = any_words(
    r"(?:our|my) (?:own )?(?:estimate|assumption|projection|model|business case|calculation|"
    r"benchmark|figures?|numbers?|hypothesis|guess|proposal|offer|quote|price|pricing|discount|"
    r"quarter|fiscal year|year[- ]end|forecast)|"
    r"based on (?:other|similar|comparable|peer|typical)|(?:industry|peer) (?:benchmark|average)s?|"
    r"(?:launch|launch-year|introductory|promotional|list) price|"
    r"(?:discount|offer|promotion|quote|pricing) (?:expires|ends|is valid|valid until|runs out)|"
    r"(?:if|once|when) (?:they|you|she|he) sign|sign(?:ed|ature)? (?:by|before|until)|"
    r"proposal (?:sent|submitted)|priced at"
)
_ATTRIBUTED = re.compile(
    r"\b(?:per|according to|in)\s+(?P<n>[\w’'-]+)(?:['’]s (?:own )?words)?|^\s*(?P<c>[\w’'-]+):",
    re.IGNORECASE,
)


def owner_of(
    reader: Reader,
    spoken: Spoken,
    sentence: str,
    offset: int,
    start: int,
    end: int,
    whole: bool = False,
) -> tuple[Owner, str | None]:
    """(owner, who) of the phrase at [start, end) of a sentence that starts at `offset` of its
    text: a customer's or the seller's words first, then who it is attributed to, then the
    seller's artefacts and proposals, then a named customer acting; else the record's. A
    `whole` phrase (a label's value: "Pain: we think approvals are slow") has its actor inside
    it, so the actor is read at its end."""
    for at in (start, max(start, end - 1)):
        inside, voice = voice_at(spoken, offset + at)
        if inside:
            return ("seller", SELLER) if voice == SELLER else ("customer", voice or "customer")
    people = reader.people
    for m in _ATTRIBUTED.finditer(sentence):
        who = people.who(m.group("n") or m.group("c"))
        if who is not None and who != SELLER:
            return "customer", who
    if SELLER_ARTEFACT.search(sentence):
        return "seller", SELLER
    who, _, _ = reader.actor(sentence, end, end) if whole else reader.actor(sentence, start, end)
    if who == SELLER:
        return ("seller", SELLER) if PROPOSAL.search(sentence[:end]) else ("record", None)
    if who is not None:
        return "customer", who
    customers = reader.src.customers
    if customers:  # an activity with the customer: what they told us there
        return "customer", customers[0] if len(customers) == 1 else None
    return "record", None
