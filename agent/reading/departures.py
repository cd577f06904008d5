"""A contact leaving the job ("has resigned", "her last day is Friday", "on parental leave"), and
their last day when the text gives it: a contact the deal cannot rely on.

Rules a coach can read; leaving the room or the country for a week is no departure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from agent.contracts.deal import Deal
from agent.contracts.facts import Fact
from agent.gates import gate
from agent.reading.contacts import people_in
from agent.reading.dates import resolve_when
from agent.reading.spans import sentence_spans

# Leaving the job, not the room or the country for a week: "is leaving for a conference",
# "will leave the call early" and "retired the old system" are no departures.
_NOT_THE_JOB = (
    r"(?!\s+(?:for (?:a |the )?(?:conference|trip|holiday|vacation|week|few days|business trip)|"
    r"early|the (?:call|meeting|office|room|session)|it\b|us a|a (?:message|voicemail|note)))"
)
_LEAVING = re.compile(
    rf"\b(?:(?:has |have )?resign(?:ed|s|ing)|(?:is|are) leaving{_NOT_THE_JOB}|"
    rf"will leave{_NOT_THE_JOB}|leaves{_NOT_THE_JOB}\s+(?:the|us|on)\b|"
    r"(?:her|his|their) last day|handing over|hands over|moving on|"
    r"left the (?:company|business|organi[sz]ation)|no longer (?:with|at|works)|"
    r"(?:handed|handing|hands) in (?:her|his|their) notice|"
    r"(?:serving|given|gave) (?:her|his|their) notice|"
    r"(?:is|are|will be) stepping down|steps down|stepped down|"
    r"retir(?:es|ing|ed)(?!\s+(?:the|a|an|our|their|its|this|that|his|her|some|all)\b)|"
    r"on (?:parental|maternity|paternity|long-term) leave)\b",
    re.I,
)


# Already gone when the text was written: their last day is at the latest that date.
_GONE = re.compile(
    r"\b(?:left the (?:company|business|organi[sz]ation)|no longer (?:with|at|works)|"
    r"stepped down|(?:her|his|their) last day was)\b",
    re.I,
)


_LEAVING_GATE = gate(_LEAVING)


def last_day(sentence: str, written: dt.date) -> dt.date | None:
    """A departure's last day: the date ahead the words give ("leaving at the end of
    October"), else the day they were written when they say the person is already gone (their
    last day was no later), else None (leaving, nobody said when)."""
    last = resolve_when(sentence, written)
    if last and last >= written:
        return last
    return written if _GONE.search(sentence) else None


def read_departures(ref: str, text: str, deal: Deal, written: dt.date) -> Iterator[Fact]:
    """Someone named in the text is leaving or has left: a contact the deal cannot rely on."""
    if not _LEAVING_GATE.may_match(text):
        return
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if not _LEAVING.search(sentence):
            continue
        for person in people_in(sentence, deal):
            yield Fact(
                kind="departure",
                ref=ref,
                quote=sentence,
                contact_id=person,
                on=last_day(sentence, written),
            )
