"""Whether a date the call was meant to confirm still holds: "Confirm the 9 April signature"
is not met by a call that shows the signature cannot happen then.

A date holds when a customer line names it (or its month) and says it works; it cannot hold
when a customer line says it is not possible, or when a constraint the call revealed (a tender,
a review, a committee) lifts after it. Otherwise the call left it unconfirmed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from agent.contracts.conversation import Transcript
from agent.contracts.facts import Fact
from agent.formatting import human, shorten
from agent.months import MONTH_NAME
from agent.reading.dates import resolve_when
from agent.reading.spans import sentence_spans

from .review import u_ref

# What a dated objective is about: the signature, the close, an award, a start.
_DATED_GOAL = re.compile(
    r"\b(?:sign\w*|close|closing|contract\w*|award\w*|order|PO|go-?live|launch|start|"
    r"kick-?off)\b",
    re.I,
)
_CANNOT = re.compile(
    r"\b(?:not (?:possible|realistic|feasible|achievable|doable|going to (?:happen|work))|"
    r"impossible|unrealistic|(?:won'?t|will not|doesn'?t|does not|can'?t|cannot|can not) "
    r"(?:work|happen|hold|make it|be (?:possible|done|met))|no way|too (?:tight|soon|early|"
    r"ambitious|aggressive)|unlikely|off the table|(?:slip|slips|slipping|moves?|pushed|push) "
    r"(?:back|out|to)|out of the question)\b",
    re.I,
)
_HOLDS = re.compile(
    r"\b(?:works?|fine|stands|still on|confirmed|on track|holds|doable|achievable|feasible|"
    r"realistic|possible|good for|ok(?:ay)?)\b",
    re.I,
)

Holding = Literal["holds", "cannot_hold", "unconfirmed"]


@dataclass(frozen=True)
class DateCheck:
    on: dt.date
    words: str
    goal: str  # what the date is for, as the objective says it ("signature")
    status: Holding
    detail: str
    citations: list[str] = field(default_factory=list)


def lifts(fact: Fact, on: dt.date) -> dt.date | None:
    """When a constraint lifts: its date, else its length counted from the call."""
    if fact.until is not None or fact.on is not None:
        return fact.until or fact.on
    if fact.weeks is not None:
        return on + dt.timedelta(days=round(fact.weeks[1] * 7))
    return None


_WRITTEN = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?(?: of)? (?:{MONTH_NAME})\b|"
    rf"\b(?:{MONTH_NAME}) \d{{1,2}}(?:st|nd|rd|th)?\b",
    re.I,
)


def _date_words(objective: str, on: dt.date) -> tuple[dt.date, str, str] | None:
    """The date a dated objective names ("the 9 April signature"), with its words as written
    (a date worked out is not quoted) and what it is for."""
    if (goal := _DATED_GOAL.search(objective)) is None:
        return None
    found = resolve_when(objective, on)
    if found is None or found < on:
        return None
    written = _WRITTEN.search(objective)
    return found, written.group(0) if written else "the date", goal.group(0)


def _names(sentence: str, when: dt.date, on: dt.date) -> bool:
    """The sentence is about that date: it names it, or its month."""
    if resolve_when(sentence, on) == when or when.isoformat() in sentence:
        return True
    month = calendar.month_name[when.month]
    return re.search(rf"\b{month}\b", sentence, re.I) is not None


def date_holds(
    objective: str, t: Transcript, heard: Sequence[Fact], on: dt.date
) -> DateCheck | None:
    """Whether the date a dated objective names held in the call; None when it names none.
    `heard` are the constraints read from the call's lines."""
    named = _date_words(objective, on)
    if named is None:
        return None
    when, label, goal = named
    for u in t.utterances:
        if u.side != "customer":
            continue
        for start, end in sentence_spans(u.text):
            sentence = u.text[start:end]
            if not _names(sentence, when, on):
                continue
            if _CANNOT.search(sentence):
                return DateCheck(
                    when,
                    label,
                    goal,
                    "cannot_hold",
                    f'{label}: cannot hold ({u.speaker}: "{shorten(sentence, 120)}")',
                    [u_ref(u.index)],
                )
    for fact in heard:
        end_on = lifts(fact, on)
        if end_on is not None and end_on > when and fact.constraint is not None:
            m = re.match(r"^transcript\.utterances\[(\d+)\]", fact.ref)
            return DateCheck(
                when,
                label,
                goal,
                "cannot_hold",
                f"{label}: cannot hold (the {human(fact.constraint)} the call revealed lasts "
                "beyond it)",
                [u_ref(int(m.group(1)))] if m else [],
            )
    for u in t.utterances:
        if u.side != "customer":
            continue
        for start, end in sentence_spans(u.text):
            sentence = u.text[start:end]
            if _names(sentence, when, on) and _HOLDS.search(sentence):
                return DateCheck(
                    when,
                    label,
                    goal,
                    "holds",
                    f'{label}: confirmed ({u.speaker}: "{shorten(sentence, 120)}")',
                    [u_ref(u.index)],
                )
    return DateCheck(when, label, goal, "unconfirmed", f"{label}: not confirmed in the call")
