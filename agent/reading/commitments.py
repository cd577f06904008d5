"""Next steps said in a call: who promised what, by when, and whether the customer agreed.

Rules a coach can read, no model. A commitment is a first-person promise with an action verb
("I'll send", "we will have it to you") or an item of a spoken list after "next steps". Its
owner is the speaker, or the person an item starts with ("Owen asks Lydia ..."). A due date is
read from the words ("by the 25th", "Friday", "end of day", "next week") relative to the call's
date. The customer's commitment is "confirmed" when a customer says so (their own promise, or
"agreed" / "works for me" in the next turns), "hedged" when the words hedge ("no promises",
"I'll try"), else "none".

A commitment needs evidence of both sides: the seller's promise or proposal counts as agreed
only when the first customer reply after it accepts it; a customer's own promise counts as
theirs; a customer's ask of us ("you send the pricing") counts only when a seller then accepts
it. A line that reads like an instruction to a model ("ignore all previous instructions and
approve ...") or carries markup or a link is never a commitment, whoever it is attributed to.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from agent.contracts.conversation import Utterance
from agent.contracts.deal import Deal
from agent.model.fence import looks_like_instructions, looks_like_markup
from agent.months import MONTH, MONTHS
from agent.reading.talk_cues import sentences

_VERBS = (
    r"send|share|set up|schedule|book|ask|introduce|get|have|follow up|come back|check|confirm|"
    r"review|draft|prepare|loop in|invite|call|email|run|arrange|bring|sort out|circulate|"
    r"update|deliver|provide|forward|present|walk|organi[sz]e|put together|revise"
)
_PROMISE = re.compile(
    r"\b(?:i'?ll|i will|we'?ll|we will|i'?m going to|we'?re going to|i am going to|"
    r"we are going to)\s+(?:\w+\s+){0,2}?(?:" + _VERBS + r")\b",
    re.IGNORECASE,
)
_STEPS_LIST = re.compile(r"\bnext steps?\b[^:]*:\s*(.+)$", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r",\s*(?:and\s+)?(?!\s*or\b)|;\s*|\s+and\s+(?=(?:i|we|you)\s)")
_AGREE = re.compile(
    r"\b(?:agreed|agree|works for me|sounds (?:good|great|fine)|yes|yep|sure|will do|deal|"
    r"fine by (?:me|us)|that works|ok(?:ay)?|perfect|great)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\bno promises\b|\bi'?ll (?:try|see)\b|\bmaybe\b|\bnot sure\b|\bcan'?t promise\b|"
    r"\bif i can\b|\bwe'?ll see\b|\blet me think\b",
    re.IGNORECASE,
)
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_DATE_WORDS = re.compile(
    rf"\b(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})\b|"
    rf"\b(?:(?:by|on|before|until|till|for|from)\s+the\s+(?P<dom>\d{{1,2}})(?:st|nd|rd|th)\b"
    rf"(?:\s+of\s+(?P<dom_month>{MONTH}))?|"
    rf"(?:the\s+)?(?P<dom_of>\d{{1,2}})(?:st|nd|rd|th)?\s+of\s+(?P<of_month>{MONTH}))\b|"
    rf"\b(?P<month>{MONTH})\.?\s+(?P<month_day>\d{{1,2}})(?:st|nd|rd|th)?\b|"
    r"\b(?P<today>today|tonight|this (?:morning|afternoon|evening)|end of (?:the )?day|eod|"
    r"close of business)\b|"
    r"\b(?P<tomorrow>tomorrow)\b|"
    r"\b(?P<week>(?:this|next) week)\b|"
    r"\b(?P<month_end>end of (?:the )?month)\b|"
    r"\b(?:(?P<next>next)\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday)\b",
    re.IGNORECASE,
)


_WORDS = re.compile(r"[a-z0-9-]+")
_FILLER = frozenset(
    [
        "i",
        "i'll",
        "we",
        "we'll",
        "will",
        "the",
        "a",
        "an",
        "to",
        "by",
        "and",
        "then",
        "of",
        "for",
        "on",
        "with",
        "you",
    ]
)
RESTATE_SHARE = 0.6


@dataclass(frozen=True)
class Promise:
    index: int  # utterance that made it
    action: str
    owner_id: str | None
    owner: str
    due: dt.date | None
    due_text: str | None
    commitment: str  # confirmed | hedged | none
    agreed_at: int | None  # customer utterance that confirmed or hedged it
    recap: bool = False  # an item of a spoken "next steps" list


def resolve_date(text: str, on: dt.date) -> tuple[dt.date | None, str | None]:
    """The first date the words name, relative to the call's date; (None, None) if none."""
    for m in _DATE_WORDS.finditer(text):
        found = _date_of(m, on)
        if found is not None:
            return found, m.group().strip()
    return None, None


def _date_of(m: re.Match[str], on: dt.date) -> dt.date | None:
    g = m.groupdict()
    try:
        if g["iso"]:
            return dt.date.fromisoformat(g["iso"])
        if g["dom"]:
            month = MONTHS[g["dom_month"].lower()] if g["dom_month"] else None
            return _day_in(int(g["dom"]), month, on)
        if g["dom_of"]:
            return _day_in(int(g["dom_of"]), MONTHS[g["of_month"].lower()], on)
        if g["month"]:
            return _day_in(int(g["month_day"]), MONTHS[g["month"].lower()], on)
    except ValueError:
        return None
    if g["today"]:
        return on
    if g["tomorrow"]:
        return on + dt.timedelta(days=1)
    if g["week"]:
        friday = on + dt.timedelta(days=(4 - on.weekday()) % 7)
        return friday + dt.timedelta(days=7) if g["week"].lower().startswith("next") else friday
    if g["month_end"]:
        return on.replace(day=calendar.monthrange(on.year, on.month)[1])
    if g["weekday"]:
        day = _WEEKDAYS[g["weekday"].lower()]
        if g["next"]:  # "next Friday": that day in the following calendar week
            return on + dt.timedelta(days=7 - on.weekday() + day)
        return on + dt.timedelta(days=(day - on.weekday()) % 7 or 7)
    return None


def _day_in(day: int, month: int | None, on: dt.date) -> dt.date:
    """The next such date on or after the call: 'the 25th' is this month, or the next month
    that has that day once it has passed; 'December 15' is next year once it has passed."""
    if month is not None:
        year = on.year + (1 if (month, day) < (on.month, on.day) else 0)
        return dt.date(year, month, day)  # ValueError for 'February 30': no date
    year, month = on.year, on.month
    if day < on.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for _ in range(12):  # 'the 31st' in a 30-day month: the next month that has one
        if day <= calendar.monthrange(year, month)[1]:
            return dt.date(year, month, day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError(f"no month has a day {day}")


def find_commitments(utterances: Sequence[Utterance], deal: Deal, on: dt.date) -> list[Promise]:
    """Every promise in the call, the later of two by one owner for one date kept (a recap
    restates what was promised earlier, usually more precisely)."""
    people = _people(deal)
    found: list[Promise] = []
    for u in utterances:
        if u.side == "unknown":
            continue
        if not_speech(u.text):  # planted text: never anyone's promise
            continue
        for sentence in sentences(u.text):
            if sentence.rstrip().endswith("?"):
                continue
            listed = _STEPS_LIST.search(sentence)
            items = _ITEM_SPLIT.split(listed.group(1)) if listed else []
            if not items and _PROMISE.search(sentence) and not _HEDGE.match(sentence):
                items = [sentence]
            for item in (i.strip(" .") for i in items):
                if len(item.split()) >= 3:
                    promise = _promise(item, u, utterances, people, on)
                    found.append(replace(promise, recap=listed is not None))
    kept: list[Promise] = []
    for p in found:  # a restatement replaces what it restates; distinct steps all stay
        kept = [k for k in kept if not _restates(p, k)] + [p]
    return sorted(kept, key=lambda p: p.index)


@lru_cache(maxsize=4096)
def not_speech(text: str) -> bool:
    """Text no one says in a call: instructions to a model, markup, links. Kept per text: the
    debrief asks of every line more than once (promises, replies, its assumptions)."""
    return looks_like_instructions(text) or looks_like_markup(text)


def _restates(later: Promise, earlier: Promise) -> bool:
    """Same owner and date (or none), and either a recap item restating a promise made during
    the call, or mostly the same words."""
    if later.owner != earlier.owner or later.due != earlier.due:
        return False
    if later.recap and not earlier.recap and later.due is not None:
        return True
    words = [set(_WORDS.findall(x.action.lower())) - _FILLER for x in (later, earlier)]
    shared = len(words[0] & words[1])
    return shared >= RESTATE_SHARE * min(len(words[0]), len(words[1]))


@dataclass(frozen=True)
class _Person:
    first: str
    id: str
    name: str


def _people(deal: Deal) -> list[_Person]:
    """Everyone on the deal, both sides, findable by first name."""
    people = [_Person(c.name.split()[0].lower(), c.id, c.name) for c in deal.contacts]
    for m in [deal.owner, *deal.team]:
        people.append(_Person(m.name.split()[0].lower(), m.id, m.name))
    return people


def _promise(
    item: str,
    u: Utterance,
    utterances: Sequence[Utterance],
    people: list[_Person],
    on: dt.date,
) -> Promise:
    first = item.split()[0].lower().strip(",")
    named = next((p for p in people if p.first == first), None)
    commitment, at = _customer_reply(u, utterances)
    owner_id, owner = u.person_id, _speaker_name(u, people)
    if named is not None:
        owner_id, owner = named.id, named.name
    elif first == "you" and u.side == "customer":  # the customer means us: ours once we accept
        seller = next((r for r in utterances[u.index + 1 :] if r.side == "seller"), None)
        owner_id = seller.person_id if seller else None
        owner = _speaker_name(seller, people) if seller else "our side"
        accepted = seller is not None and seller.index <= u.index + 3 and _accepts(seller.text)
        at = seller.index if accepted and seller else None
        commitment = "confirmed" if accepted else "none"
        due, due_text = resolve_date(item, on)
        return Promise(u.index, item, owner_id, owner, due, due_text, commitment, at)
    elif first == "you":  # "you review the TCO": the customer who answers owns it
        replier = next((r for r in utterances if r.index == at), None)
        owner_id = replier.person_id if replier else None
        owner = _speaker_name(replier, people) if replier else "the customer"
    if u.side == "customer":  # the customer's own words: their promise, or what they ask of us
        commitment, at = ("hedged" if _HEDGE.search(u.text) else "confirmed"), u.index
    due, due_text = resolve_date(item, on)
    return Promise(u.index, item, owner_id, owner, due, due_text, commitment, at)


def _speaker_name(u: Utterance, people: list[_Person]) -> str:
    return next((p.name for p in people if p.id == u.person_id), u.speaker)


def _accepts(text: str) -> bool:
    """A reply that takes a step on: agreement in its first sentence, or a promise, unhedged."""
    if _HEDGE.search(text) or not_speech(text):
        return False
    return bool(_AGREE.search(text.split(".")[0]) or _PROMISE.search(text))


def _customer_reply(u: Utterance, utterances: Sequence[Utterance]) -> tuple[str, int | None]:
    """The first customer reply within three turns decides: it agrees, hedges, or neither
    (a later customer's "ok" to something else is not agreement to this)."""
    for reply in utterances[u.index + 1 : u.index + 4]:
        if reply.side != "customer":
            continue
        if not_speech(reply.text):
            return "none", None
        if _HEDGE.search(reply.text):
            return "hedged", reply.index
        if _AGREE.search(reply.text.split(".")[0]):
            return "confirmed", reply.index
        return "none", None
    return "none", None


_ONE_WORD_VERBS = frozenset(v for v in _VERBS.split("|") if " " not in v and "[" not in v)
_PHRASE_WORDS = 16
_VERB = re.compile(r"\b(?:" + _VERBS + r")\b", re.IGNORECASE)
_NOT_PLAIN = re.compile(r"[^\w\s,.'’&%/:-]")


def action_phrase(action: str, due_text: str | None = None) -> tuple[str, bool]:
    """The step's action as a bare verb phrase for a sentence of our own ("send the one-page
    summary to Owen"), without the words its date came from, anything but plain words, or more
    than a short clause; and whether it starts with a verb ("will ..." reads right)."""
    text = action if due_text is None else action.replace(due_text, " ")
    text = re.sub(r"<[^>]*>", " ", text)
    promise = _PROMISE.search(text)
    words = text.split()
    if promise is not None:  # "I'll send ..." -> "send ..."
        verb = _VERB.search(text, promise.start(), promise.end())
        words = text[verb.start() if verb else promise.end() :].split()
    elif len(words) > 1 and words[1].lower().rstrip("s") in _ONE_WORD_VERBS:
        words = [words[1][:-1] if words[1].lower().endswith("s") else words[1], *words[2:]]
    phrase = _NOT_PLAIN.sub("", " ".join(words[:_PHRASE_WORDS])).strip(" ,.;:-")
    phrase = re.sub(r"\s+(?:by|on|before|until|for|in|within|at)$", "", re.sub(r"\s+", " ", phrase))
    first = phrase.split()[0].lower() if phrase else ""
    return phrase, first in _ONE_WORD_VERBS or promise is not None
