"""The slots of a chat message: deal id, rep id, a quoted objection, a methodology name, a
person, a time and a topic, read with patterns: they are identifiers, not meaning.

Kept apart from the intent classifiers (intent.py, embedded.py) because both read the same
slots, and the chat (agent/chat/) reads them on their own. Chat shorthand is spelled out here
too ("nxt steps 4 this opp"), before a message is read or embedded.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Protocol

from pydantic import BaseModel, Field

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
DEAL_ID = re.compile(r"\b[dD]-\d{3,6}\b")
# What a deal id of another shape (a CRM's own: "00400B1S", found in the workspace by the chat)
# is read as, so the classifiers treat every named deal alike.
ID_STAND_IN = "D-000"
REP_ID = re.compile(r"\brep-[a-z0-9][a-z0-9-]*\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]|(?<!\w)'([^']{3,})'(?!\w)")
_SAID = re.compile(
    r"\b(?:said|says|told me|tells me|keeps? saying)\s*(?:that\s+)?[:,]?\s*(.+)", re.IGNORECASE
)
# A person is the word after "with", "to", "email", "msg" ... (the lookahead lets "msg to
# Owen" try "to" and then "Owen"), or after "a note for"; words that cannot name anyone are
# skipped, and so is a word that is itself one of these verbs ("to nudge Bethany": Bethany).
_BEFORE_PERSON = (
    "with w/ to email e-mail message msg ping text call meet meeting seeing send tell ask "
    "remind thank write nudge chase invite introduce"
)
_PERSON = re.compile(
    r"(?:\b(?:email|e-mail|note|message|msg|text|reply|letter)\s+for|\b(?:"
    + "|".join(re.escape(w) for w in _BEFORE_PERSON.split())
    + r"))\s+"
    r"(?:the\s+|our\s+|their\s+|my\s+)?(?=([A-Za-z][\w'-]*))",
    re.IGNORECASE,
)
# A topic named after the ask: "... about X", "... regarding X", "... re X", "... concerning X".
TOPIC = re.compile(
    r"\s+(?:about|regarding|concerning|re:?|on the (?:topic|subject) of)\s+", re.IGNORECASE
)
# A title's acronym names a person, like a name: a slot (resolved by agent/chat/people.py),
# not what the rep asks for. Read as "them" when the message is embedded, or every message
# naming "the CFO" would lean towards whichever intent's examples happen to name one.
TITLE_ACRONYM = re.compile(r"\b(?:cfo|ceo|coo|cio|cto|ciso|cro|cmo|gm|md|vp)\b", re.IGNORECASE)
_DAYS = "monday tuesday wednesday thursday friday saturday sunday"
_NOT_A_PERSON = frozenset(
    f"""{_DAYS} a an the to at on in for of me my him her them us you it its this that these
    those be get go do have make send see talk speak about with from by up out back again now
    today tomorrow tomorrow's tonight yesterday next last set book schedule all everyone
    anyone someone customer customers client prospect team deal opp opportunity account
    follow follow-up followup recap summary them they he she we i re reply w regarding
    concerning something anything nothing quick short brief thank-you thanks note email
    {_BEFORE_PERSON}""".split()
)
# Chat shorthand and common misspellings, spelled out before a message is embedded: the model
# read edited text, and "nxt steps 4 this opp" is otherwise far from "next steps for this deal".
_SHORTHAND = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thank you",
    "nxt": "next",
    "4": "for",
    "2": "to",
    "b4": "before",
    "msg": "message",
    "im": "I'm",
    "whats": "what's",
    "whos": "who's",
    "hows": "how's",
    "wats": "what's",
    "wat": "what",
    "y": "why",
    "prob": "probability",
    "opp": "opportunity",
    "opps": "deals",
    "tldr": "summary",
    "gimme": "give me",
    "any1": "anyone",
    "some1": "someone",
    "cust": "customer",
    "mtg": "meeting",
    "convo": "conversation",
    "rn": "right now",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomorow": "tomorrow",
    "havent": "haven't",
    "hasnt": "hasn't",
    "dont": "don't",
    "didnt": "didn't",
    "isnt": "isn't",
    "cant": "can't",
    "wont": "won't",
    "w/": "with",
    "w/o": "without",
    "f/u": "follow-up",
    "fu": "follow-up",
    "info": "information",
    "approx": "approximately",
    "esp": "especially",
    "mgr": "manager",
}
_SHORT = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, _SHORTHAND)) + r")(?![\w/])", re.I)
_NUMBER_WORDS = "one|two|three|four|five|six|seven|a couple of|a few"
_WHEN = re.compile(
    rf"\b(?:(?:next|this|coming)\s+)?(?:{_DAYS.replace(' ', '|')}|week"
    r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b"
    rf"|\b(?:today|tonight|tomorrow|day after tomorrow)\b"
    rf"|\bin\s+(?:\d+|{_NUMBER_WORDS})\s+(?:days?|weeks?)\b",
    re.IGNORECASE,
)


class Slots(BaseModel):
    deal_id: str | None = None
    rep_id: str | None = None
    objection: str | None = None
    methodology: str | None = None
    person: str | None = Field(default=None, description="A person or role named: 'Lydia', 'CFO'.")
    when: str | None = Field(default=None, description="A time as written: 'tomorrow', 'friday'.")
    topic: str | None = Field(
        default=None, description="What a message is about, after its ask: 'the pilot results'."
    )


class NamesDeals(Protocol):
    """What knows a workspace's deal ids (tools/sources.py WorkspaceSource.deal_named)."""

    def deal_named(self, text: str) -> str | None: ...


def deal_in(message: str, deals: NamesDeals | None = None) -> str | None:
    """The deal a message names: an id of the `D-1003` shape, else, given the workspace's
    deals, a word that is one of their ids (a CRM's own shape: "00400B1S")."""
    if found := DEAL_ID.search(message):
        return found.group(0).upper()
    return deals.deal_named(message) if deals is not None else None


def extract_slots(message: str, deals: NamesDeals | None = None) -> Slots:
    """The message's slots; its deal found among `deals` too when given (deal_in)."""
    rep = REP_ID.search(message)
    return Slots(
        deal_id=deal_in(message, deals),
        rep_id=rep.group(0).lower() if rep else None,
        objection=extract_objection(message),
        methodology=methodology_named(message),
        person=person_named(message),
        when=time_named(spelled_out(message)),
        topic=topic_named(message),
    )


def topic_named(message: str) -> str | None:
    """The topic named after the ask ("draft a note to Owen re the pilot results": "the pilot
    results"), up to the end of its clause; None without one."""
    parts = TOPIC.split(spelled_out(message), maxsplit=1)
    if len(parts) < 2:
        return None
    topic = re.split(r"[,;?!]|\s+-\s+", parts[1], maxsplit=1)[0].strip(" .:'\"")
    return topic or None


def extract_objection(message: str) -> str | None:
    """What the customer said: a quoted remark, else whatever follows 'they said'."""
    quoted = _QUOTED.search(message)
    said = _SAID.search(message)
    text = (quoted.group(1) or quoted.group(2)) if quoted else (said.group(1) if said else None)
    return (DEAL_ID.sub("", text).strip(" ,.?!;:") or None) if text else None


def without_ids(message: str) -> str:
    """The message without deal and rep ids: they are slots, and carry no intent."""
    return " ".join(REP_ID.sub(" ", DEAL_ID.sub(" ", message)).split())


def spelled_out(message: str) -> str:
    """The message with chat shorthand written out ("nxt steps 4 this opp?")."""
    return _SHORT.sub(lambda m: _SHORTHAND[m.group(1).lower()], message.replace("’", "'"))


def only_an_id(message: str) -> bool:
    """A message that names a deal or rep and barely anything else ("now D-1004", "D-1005?")
    continues what the rep was doing on another subject."""
    named = DEAL_ID.search(message) or REP_ID.search(message)
    return bool(named) and len(WORD.findall(without_ids(message).lower())) <= 2


def person_named(message: str) -> str | None:
    """Who the message is about, as written ("Lydia", "CFO"); resolved against the deal's
    contacts by the chat, which knows the deal."""
    for match in _PERSON.finditer(spelled_out(message)):
        word = match.group(1).removesuffix("'s")
        if word == "IT" or (word.lower() not in _NOT_A_PERSON and not DEAL_ID.fullmatch(word)):
            return word  # "my meeting with IT": the department, written in capitals
    return None


def time_named(message: str) -> str | None:
    """A time as written ("tomorrow", "next Tuesday", "in two days"); the chat turns it into
    a date relative to today."""
    found = _WHEN.search(message.replace("’", "'"))
    if found is None or found.group(0).lower() in ("week", "this week"):
        return None
    return found.group(0)


@cache
def methodology_names() -> list[tuple[re.Pattern[str], str]]:
    from agent.capabilities.methodology_coaching.maps import SPECS

    pairs = []
    for spec in SPECS.values():
        for name in (*spec.names, *spec.aliases):
            pairs.append((re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE), spec.names[0]))
    # Longest names first: "spin selling" before "spin", "meddpicc" before "meddic".
    return sorted(pairs, key=lambda p: -len(p[0].pattern))


def methodology_named(message: str) -> str | None:
    for pattern, canonical in methodology_names():
        if pattern.search(message):
            return canonical
    return None
