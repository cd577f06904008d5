"""Meetings on the calendar after a date: future-dated activities the customer did not decline,
and free text that says one was booked ("booked for Thursday", "moved to 2 December").

Rules a coach can read: a sentence must say something was booked and that it is a meeting (a
go-live "scheduled for March" books nothing), and not that it was called off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence

from agent.contracts.deal import Deal
from agent.contracts.facts import Fact
from agent.gates import gate
from agent.reading.contacts import people_in
from agent.reading.dates import resolve_when
from agent.reading.outreach import outcome_of
from agent.reading.spans import sentence_spans

_BOOKED = re.compile(
    r"\b(?:booked|scheduled|set up|arranged|confirmed|agreed to meet|accepted|in the diary|"
    r"calendar invite|will (?:meet|join)|is meeting|are meeting|"
    r"(?:rescheduled|moved|postponed|pushed) (?:to|for|until))\b",
    re.I,
)
# What is booked is a meeting: "confirmed the numbers ... from July 2027" or "go-live is
# scheduled for March" books nothing; a customer's own security or legal review is a step.
_MEETING = re.compile(
    r"\b(?:meet|meets|meeting|call|demo|workshop|session|(?<!security )(?<!legal )"
    r"(?<!contract )review|visit|presentation|walk-?through|QBR|lunch|dinner|coffee|"
    r"catch-?up|check-?in|sync|on-?site|tour|invite|invitation|slot|appointment|kick-?off|"
    r"briefing|\d+ min(?:ute)?s|(?:an?|one|half an) hour|time with|in the diary|calendar)\b",
    re.I,
)
# A booking the text says is off: "booked for Tuesday, then cancelled it".
_CALLED_OFF = re.compile(
    r"\b(?:cancel(?:l)?ed|cancel(?:l)?ing|called (?:it )?off|fell through|no longer (?:happening|"
    r"going ahead|on)|declined (?:the|our|my) (?:invite|invitation|meeting))\b",
    re.I,
)


_BOOKED_GATE, _MEETING_GATE = gate(_BOOKED), gate(_MEETING)


# A next step that arranges a meeting is no meeting yet: "Secure a 30-minute meeting with the
# CFO", "Ask Miriam to bring Desmond to a session".
_ARRANGES = re.compile(
    r"^\s*(?:ask|secure|book|schedule|arrange|set up|request|get|confirm|send|e-?mail|find|"
    r"propose|invite|chase|follow up|try)\b",
    re.I,
)
# Where a next step goes on to another task: "... with Adrian and Serena and get Peter
# introduced".
_THEN = re.compile(
    r"[;.]|\s(?:and|then)\s+(?:get|ask|send|confirm|secure|book|schedule|arrange|request|"
    r"introduce|invite|follow)\b",
    re.I,
)


def meeting_in_step(step: str) -> str | None:
    """The meeting a deal's next step is, when it opens with one ("Proposal walkthrough with
    Marta and the finance director", "Joint session with Stuart and Lena", "Review the draft
    plan with Adrian"): its words up to any further task. None for a task ("Re-run the test
    with Felix"), an ask that arranges a meeting ("Secure a meeting with the CFO"), or one
    called off."""
    if _ARRANGES.match(step) or _CALLED_OFF.search(step):
        return None
    first = _THEN.split(step, maxsplit=1)[0]
    return first if _MEETING.search(" ".join(first.split()[:3])) else None


def read_meetings(
    deal: Deal, as_of: dt.date, texts: Sequence[tuple[str, str, dt.date]]
) -> Iterator[Fact]:
    """Meetings on the calendar after `as_of`: future-dated activities the customer did not
    decline, and text that says one was booked for a later date."""
    customers = {c.id for c in deal.contacts}
    for i, a in enumerate(deal.activities):
        if a.date <= as_of:
            continue
        found = outcome_of(a)
        if found is not None and found[0] in ("declined", "bounced"):
            continue
        yield Fact(
            kind="meeting",
            ref=f"deal.activities[{i}]",
            quote=a.summary,
            on=a.date,
            attendees=[p for p in a.participants if p in customers],
        )
    booked, meeting = _BOOKED_GATE, _MEETING_GATE
    for ref, text, written in texts:
        if not (booked.may_match(text) and meeting.may_match(text)):
            continue  # a sentence must name both (gates.py)
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            if (
                not _BOOKED.search(sentence)
                or not _MEETING.search(sentence)
                or _CALLED_OFF.search(sentence)
            ):
                continue
            when = resolve_when(sentence, written)
            if when is not None and when > as_of:
                yield Fact(
                    kind="meeting",
                    ref=ref,
                    quote=sentence,
                    on=when,
                    attendees=people_in(sentence, deal),
                )
