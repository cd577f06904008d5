"""What the text says was done, or was not: "Ran the mapping workshop with Ana on 3 Nov",
"Security questionnaire returned and accepted", "InfoSec has not started the questionnaire",
"The workshop was postponed".

Reps do work the CRM never logs, and a process step no evidence check can compute (a
questionnaire returned, a reference call held) is only ever written in a note. So each clause
that reports progress is read as a `progress` fact: done or not done, the kind of activity it
names (a workshop held counts as a workshop), when it happened, and, for an activity, the
customers it names. A clause that only plans, asks for or mentions something ("will run the
workshop", "asked for the questionnaire") says nothing either way and is not read. What the
step *is* is left to the reader of the fact: the quote is matched against a step's own words
(analysis/step_evidence.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from agent.contracts.deal import ActivityType, Deal
from agent.contracts.facts import Fact
from agent.reading.contacts import people_in
from agent.reading.dates import resolve_past
from agent.reading.spans import sentence_spans

# Most specific first: "a demo call" is a demo, "a workshop session" a workshop.
ACTIVITY_NOUNS: tuple[tuple[ActivityType, str], ...] = (
    ("workshop", r"workshops?|working sessions?|whiteboard(?:ing)? sessions?"),
    ("demo", r"demos?|demonstrations?|product walk-?throughs?"),
    ("presentation", r"presentations?|pitch(?:es)?|readouts?"),
    ("proposal", r"proposals?|quotes?"),
    ("meeting", r"meetings?|sessions?|on-?site(?: visit)?s?|visits?|walk-?throughs?"),
    ("call", r"calls?|phone calls?|video calls?"),
)
_NOUN = {kind: re.compile(rf"\b(?:{body})\b", re.I) for kind, body in ACTIVITY_NOUNS}
_ANY_NOUN = "|".join(body for _, body in ACTIVITY_NOUNS)

# Words that report something as done. "had"/"did" only with an activity after them ("had a
# call with Ana"), never as auxiliaries ("had hoped to", "did not").
_DONE = re.compile(
    r"\b(?:ran|held|hosted|delivered|conducted|facilitated|gave|presented|completed|finished|"
    r"returned|accepted|approved|(?:counter)?signed(?: off)?|executed|passed|received|submitted|"
    r"filled (?:in|out)|"
    r"came back|went (?:well|ahead)|took place|happened|wrapped up|cleared|(?:is|was|were|"
    r"are|has been|have been) done|walked (?:\w+ )?through)\b|"
    rf"\b(?:had|did)\s+(?:a|an|the|our|their|two|three)\s+(?:[\w-]+\s+){{0,3}}?(?:{_ANY_NOUN})\b",
    re.I,
)
# Words that say it has not happened (yet): a negated verb, a step still waited for, a meeting
# cancelled. "could not join" is about a person, not the step, and is not among them.
_NOT_DONE = re.compile(
    r"\b(?:has|have|had|was|were|is|are|did|does|do)(?:\s+not|n['’]t)\s+(?:yet\s+|been\s+|even\s+"
    r"|actually\s+)*\w+|\bnever\s+(?:been\s+|actually\s+)?\w+|\b(?:yet to|still (?:waiting|"
    r"pending|outstanding|open|to (?:be|do|come))|not (?:yet )?(?:started|done|held|returned|"
    r"completed|received|submitted|signed|approved|accepted|run|sent)|cancell?ed|postponed|"
    r"called off|fell through|rejected|outstanding|overdue|on hold)\b",
    re.I,
)
# Words before the verb that make it a plan, a wish or a request rather than a report.
_INTENT = re.compile(
    r"\b(?:will|would|shall|going to|plans?|planned|planning|intends?|to be|needs?|need(?:ed)? "
    r"to|should|must|has to|have to|had to|hopes?|hoped|wants?|wanted|asked|requested|could|"
    r"can|may|might|if|whether|once|until|propos(?:e|ed|ing)|suggest(?:s|ed)?|expect(?:s|ed)?|"
    r"schedul(?:e|ed|ing)|book(?:ed)? (?:for|in)|let['’]s)\b|['’]ll\b",
    re.I,
)
# Every clause _DONE or _NOT_DONE reads has one of these words: a cheap test first.
_WORD = re.compile(r"[a-z]+(?:n['’]t)?")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CUES = _words(
    """ran held hosted delivered conducted facilitated gave presented completed finished
    returned accepted approved signed countersigned executed passed received submitted filled
    came went took happened wrapped cleared done walked had did not never yet still cancelled
    canceled postponed called fell rejected outstanding overdue hold"""
) | {
    verb + suffix
    for verb in ("has", "have", "had", "was", "were", "is", "are", "did", "does", "do")
    for suffix in ("n't", "n’t")
}
# A clause boundary: "Ran the workshop; the questionnaire is still outstanding" is two reports.
_CLAUSE = re.compile(r";|,\s*but\b|\s+but\s+|\s+whereas\s+|,\s*while\s+")


def clauses(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every clause of every sentence, so quotes stay verbatim slices."""
    for start, end in sentence_spans(text):
        bounds = [(m.start(), m.end()) for m in _CLAUSE.finditer(text, start, end)]
        starts, ends = [start] + [e for _, e in bounds], [s for s, _ in bounds] + [end]
        for a, b in zip(starts, ends, strict=True):
            a, b = _trim(text, a, b)
            if a < b:
                yield a, b


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_GENERIC: frozenset[ActivityType] = frozenset({"meeting", "call"})


def activity_named(clause: str) -> ActivityType | None:
    """The kind of activity a clause names: the most specific one ("a demo call" is a demo),
    else the first meeting or call it names ("a call about the site visit" is a call)."""
    specific = next(
        (kind for kind, noun in _NOUN.items() if kind not in _GENERIC and noun.search(clause)),
        None,
    )
    if specific is not None:
        return specific
    found = [(m.start(), kind) for kind in _GENERIC if (m := _NOUN[kind].search(clause))]
    return min(found)[1] if found else None


def polarity(clause: str) -> bool | None:
    """True when the clause reports something done, False when it says it was not done (or
    not yet), None when it only plans, asks for or mentions it."""
    if _NOT_DONE.search(clause):
        return False
    done = _DONE.search(clause)
    if done is None or _INTENT.search(clause[: done.start()]):
        return None
    return True


def read_progress(ref: str, text: str, written: dt.date, deal: Deal) -> Iterator[Fact]:
    """Progress facts, one per clause that reports something done or not done. A clause that
    names a date after the text was written is a plan, not a report."""
    if _CUES.isdisjoint(_WORD.findall(text.lower())):
        return  # most texts report nothing done or undone: skip the full patterns
    for start, end in clauses(text):
        clause = text[start:end]
        done = polarity(clause)
        if done is None:
            continue
        on = resolve_past(clause, written) if done else None
        if on is not None and on > written:
            continue
        activity = activity_named(clause)
        yield Fact(
            kind="progress",
            ref=ref,
            quote=clause,
            done=done,
            activity=activity,
            on=on or written,
            attendees=people_in(clause, deal) if activity else [],
        )
