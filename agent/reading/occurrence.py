"""Whether a logged meeting, call or demo took place: "No-show", "NS – resched", "nobody from
the plant joined", "Cancelled by the customer, to rebook", "Moved to Thursday", "The demo did
not take place".

A CRM logs the activity when it is booked; what happened to it is in its outcome, or in its
summary when the outcome field holds no verdict of its own. An activity that did not take place
is no evidence that the step it was for was done, and nobody engaged in it. A no-show (the
customer did not come) is an attempt nobody answered; a cancellation or a move is news from the
customer, but still no meeting.

Only words about *this* activity count: "the no-show rate at their clinics is 12%" (a figure
about their business), "they postponed the go-live of their old system" (someone else's
project) and "moved to the cloud" (no date) say nothing about whether the meeting happened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from agent.contracts.deal import Activity
from agent.months import MONTH
from agent.reading.texts import outcome_text

NotHeldKind = Literal["no_show", "called_off", "moved"]

# Activities that are held at a time with the customer: a meeting can fail to take place, an
# email or a task cannot.
HELD_TYPES = frozenset(
    {"call", "meeting", "demo", "workshop", "presentation", "proposal", "negotiation", "other"}
)
_ACTIVITY_NOUN = (
    r"(?:meeting|call|demo|demonstration|workshop|session|presentation|visit|walk-?through|"
    r"readout|kick-?off|appointment|slot|teams call|zoom|webex|it)"
)
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?"
# A time the meeting was moved to: "to Thursday", "to 12/3", "to next week", "to the 14th".
_LATER = (
    rf"(?:(?:next|this|the following|following)\s+(?:week|month|quarter|year|{_WEEKDAY})\b|"
    rf"tomorrow|{_WEEKDAY}\b|(?:{MONTH})\b|\d{{1,2}}(?:[./-]\d{{1,2}}(?:[./-]\d{{2,4}})?)?"
    r"(?:st|nd|rd|th)?\b|the\s+\d{1,2}(?:st|nd|rd|th)\b|(?:early|mid|late|end of)[\s-]+"
    rf"(?:{MONTH}|next|the month|the week)\b|Q[1-4]\b|later|a later date|"
    r"after (?:the )?(?:holidays?|break|summer|christmas|easter|new year)|TBD|TBC|new date)"
)
_STATUS = r"(?:cancell?ed|called off|postponed|re-?scheduled|resched|moved|pushed(?: back)?)"
# What may follow a bare verdict ("Cancelled by the customer", "Postponed - to rebook"); not
# an object ("postponed the go-live").
_VERDICT_END = (
    r"(?=\s*(?:$|[.;,:!)(\[/–—-]|\b(?:by|due|because|to|until|till|for|at|on|last|again|"
    r"today|yesterday|as|per|from)\b|(?:the|this|our|their|today'?s)\s+"
    rf"{_ACTIVITY_NOUN}\b))"
)
_PATTERNS: tuple[tuple[NotHeldKind, re.Pattern[str]], ...] = (
    (
        "no_show",
        re.compile(
            # a verdict: "No-show", "NS – resched", "Customer no-show", "no show from their
            # side", "was a no-show again"; not "the no-show rate", "no-shows at clinics"
            r"(?:^|[.;:!?(\[/]\s*|[–—-]\s+)\W*(?:customer\s+|client\s+|prospect\s+)?"
            r"(?:no[- ]?show(?:ed)?|(?-i:NS|DNS))\b(?![- ]?s\b)"
            r"(?!\s*[-–]?\s*(?:rates?|ratios?|problems?|issues?|figures?|numbers?|levels?|"
            r"costs?|percent|policy|fees?|appointments?)\b)|"
            rf"\bno[- ]?show(?:ed)?\b{_VERDICT_END}",
            re.I,
        ),
    ),
    (
        "no_show",
        re.compile(
            # "nobody from the plant joined", "no one showed up", "none of them dialled in"
            r"\b(?:nobody|no one|no-one|none of (?:them|the \w+(?: \w+)?)|nadie|ningu[ée]m)\b"
            r"[^.;]{0,40}?\b(?:joined|showed(?: up)?|turned up|came|attended|dialled in|"
            r"dialed in|connected|logged (?:in|on)|was there|appeared|se conect\w*|apareceu)\b|"
            # "they didn't show", "customer never turned up", "the client failed to join"
            r"\b(?:they|customer|client|prospect|the (?:customer|client|prospect|team)|he|she)\s+"
            r"(?:did not|didn'?t|never|failed to|could not|couldn'?t)\s+(?:show(?: up)?|"
            r"turn up|join|attend|dial in|connect|make it)\b",
            re.I,
        ),
    ),
    (
        "moved",
        re.compile(rf"\b{_STATUS}\s+(?:to|until|till|for|into|out to)\s+{_LATER}", re.I),
    ),
    (
        "called_off",
        re.compile(
            # a verdict first: "Cancelled", "Postponed - to rebook", "Did not take place"
            rf"^\W*(?:(?:{_ACTIVITY_NOUN})\s+)?(?:(?:cancell?ed|called off|postponed|"
            rf"re-?scheduled|resched)|not held|did not (?:happen|take place|go ahead)|"
            r"didn'?t (?:happen|take place|go ahead)|never (?:happened|took place))"
            rf"{_VERDICT_END}|"
            # the activity as subject: "the demo was cancelled", "meeting did not take place"
            rf"\b{_ACTIVITY_NOUN}\s+(?:was|got|has been|had to be|is)\s+(?:{_STATUS}|not held)"
            r"\b|"
            rf"\b{_ACTIVITY_NOUN}\s+(?:did not|didn'?t|never)\s+(?:happen|take place|go ahead)"
            r"\b|"
            # someone called it off: "they cancelled the demo", "cancelled by the customer"
            rf"\b{_STATUS}\s+(?:the|this|our|today'?s)\s+{_ACTIVITY_NOUN}\b|"
            rf"\b(?:cancell?ed|called off|postponed)\s+(?:by|due to|because|last[- ]minute|at "
            r"short notice|on the day)\b|"
            # it has to be booked again: "To rebook after holidays", "needs rebooking"
            r"\b(?:to|must|need(?:s)? to|will|we'?ll|have to|has to|pls|please)\s+re-?book\b|"
            r"\bre-?book(?:ing)?\s+(?:needed|required|pending|tbc|tbd)\b|\bneeds? re-?booking\b",
            re.I,
        ),
    ),
)
# Words that say it went ahead after all: "Held; nobody from finance joined" is a meeting that
# took place without one group, "Held - the security review was postponed" another matter.
_HELD = re.compile(
    r"\b(?:held|went ahead|took place|went well|attended by|demoed|presented|ran (?:the|it)|"
    r"walked (?:them|him|her|us) through|good (?:call|meeting|session)|great (?:call|meeting|"
    r"session))\b",
    re.I,
)
_NEGATED = re.compile(r"\b(?:not|never|n't|no)\s*$", re.I)


def _held_anyway(text: str) -> bool:
    return any(not _NEGATED.search(text[: m.start()]) for m in _HELD.finditer(text))


@dataclass(frozen=True)
class NotHeld:
    """An activity that did not take place: how, which field says so, and its words."""

    kind: NotHeldKind
    field: Literal["outcome", "summary"]
    words: str


@lru_cache(maxsize=8192)
def not_held_in(text: str) -> tuple[NotHeldKind, str] | None:
    """(kind, the words) when the text says the activity it describes did not take place.
    Kept per text: every capability asks it of every logged meeting and call."""
    if _held_anyway(text):
        return None
    for kind, pattern in _PATTERNS:
        if (m := pattern.search(text)) is not None:
            return kind, m.group(0).strip(" .;:([/–—-") or text
    return None


def not_held(activity: Activity) -> NotHeld | None:
    """Whether a logged activity did not take place, from its outcome ('No-show', 'Cancelled,
    to rebook'), else from its summary when the outcome gives no verdict of its own."""
    if activity.type not in HELD_TYPES:
        return None
    if activity.outcome == "no_show":
        return NotHeld("no_show", "outcome", "no_show")
    own = outcome_text(activity.outcome)
    if own and (found := not_held_in(own)) is not None:
        kind, words = found
        return NotHeld(kind, "outcome", own if len(own) < 120 else words)
    if activity.outcome != "positive" and (found := not_held_in(activity.summary)) is not None:
        return NotHeld(found[0], "summary", found[1])
    return None


def took_place(activity: Activity) -> bool:
    """False when the record says the activity did not take place."""
    return not_held(activity) is None


# Someone named as the one who did not come: "Jorge never dialled in", "Salas didn't show",
# "no sign of Jorge", "Jorge was a no-show"; the name is filled in per person.
_STAYED_AWAY = (
    r"\b{name}(?:'s)?\s+(?:did not|didn'?t|never|failed to|could not|couldn'?t|was unable to)"
    r"\s+(?:show(?:ed)?(?: up)?|turn(?:ed)? up|join(?:ed)?|attend(?:ed)?|dial(?:l?ed)?[- ]?in|"
    r"connect(?:ed)?|ma[dk]e it|c[ao]me)\b|"
    r"\b{name}\s+(?:was\s+)?(?:a\s+)?(?:no[- ]?show|absent|missing)\b|"
    r"\bno sign of\s+{name}\b"
)


def who_stayed_away(activity: Activity, names: Mapping[str, Sequence[str]]) -> str | None:
    """Of the people `names` holds (an id: the forms of their name, contacts.name_forms), the
    one the activity's own words say did not come ("Jorge never dialled in; Ana joined
    alone"), when they name exactly one; None otherwise. With several from the customer
    invited, a no-show alone does not say who stayed away; these words do."""
    text = " ".join(t for t in (activity.summary, outcome_text(activity.outcome)) if t)
    forms: dict[str, set[str]] = {}
    for person, given in names.items():
        for form in given:
            if form.strip():
                forms.setdefault(form.strip(), set()).add(person)
    found = {
        next(iter(people))
        for form, people in forms.items()
        if len(people) == 1  # a first name two of them share says nothing
        and re.search(_STAYED_AWAY.format(name=re.escape(form)), text, re.I)
    }
    return found.pop() if len(found) == 1 else None
