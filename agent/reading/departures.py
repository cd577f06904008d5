"""A contact leaving the job ("has resigned", "her last day is Friday", "on parental leave"), and
their last day when the text gives it: a contact the deal cannot rely on.

Rules a coach can read; leaving the room or the country for a week is no departure. Who leaves
is who the sentence says: a contact named before the words ("Denise has resigned"), else the
contact whose own notes hold them ("Going on parental leave from 15 December" in Marta's
notes is Marta); never the one named as cover ("Pablo Ortega covers for her"), who is read as
standing in for them. A leave with a return ("on parental leave until mid-March") is a
temporary absence: the fact carries the day they are back (`until`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from agent.contracts.deal import Deal
from agent.contracts.facts import Fact
from agent.gates import gate
from agent.reading.absence import UNTIL, back_on
from agent.reading.contacts import mentions
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
# Someone covering for the one who leaves: "Pablo covers for her", "stands in for", "deputises".
_COVERS = re.compile(
    r"^\W{0,3}(?:\((?:[^()]{0,40})\)\W{0,3})?(?:(?:will|is|who)\s+)?(?:covers?|covering|"
    r"stands?\s+in|standing\s+in|fills?\s+in|filling\s+in|deputi[sz](?:es|ing))"
    r"(?:\s+for\b|\s*(?:[.;,]|$))",
    re.I,
)
_IN_ABSENCE = re.compile(
    r"\b(?:in (?:her|his|their) absence|meanwhile|"
    r"while (?:she|he|they) (?:is|are) (?:away|out|off))\b[^.;]*$",
    re.I,
)
# A leave with an end: the contact is back, not gone.
_TEMPORARY = re.compile(
    r"\b(?:parental|maternity|paternity|long-term|medical|sick) leave\b|\bsabbatical\b", re.I
)
# A contact's own notes ("deal.contacts[2].notes"): what they hold is about that contact.
CONTACT_NOTES = re.compile(r"^deal\.contacts\[(\d+)\]\.notes$")


def leavers(sentence: str, deal: Deal, ref: str) -> tuple[list[str], list[str]]:
    """Who the sentence says is leaving, and who it names to cover for them."""
    leaving = _LEAVING.search(sentence)
    if leaving is None:
        return [], []
    named = sorted(mentions(sentence, deal))  # in the sentence's order
    covers, since = [], 0  # "in her absence" names the next person, not every later one
    for start, end, cid in named:
        if _COVERS.match(sentence[end:]) or _IN_ABSENCE.search(sentence[since:start]):
            covers.append(cid)
        since = end
    others = [(start, cid) for start, _, cid in named if cid not in covers]
    before = [cid for start, cid in others if start < leaving.start()]
    if before:
        return before, covers
    own = CONTACT_NOTES.match(ref)
    if own is not None and int(own.group(1)) < len(deal.contacts):
        return [deal.contacts[int(own.group(1))].id], covers
    return [cid for _, cid in others], covers


def last_day(sentence: str, written: dt.date) -> dt.date | None:
    """A departure's last day: the date ahead the words give ("leaving at the end of
    October"), else the day they were written when they say the person is already gone (their
    last day was no later), else None (leaving, nobody said when)."""
    last = resolve_when(sentence, written)
    if last and last >= written:
        return last
    return written if _GONE.search(sentence) else None


def _leave_starts(sentence: str, written: dt.date) -> dt.date | None:
    """The first day of a leave with an end: a date the words give before its "until"."""
    cut = UNTIL.search(sentence)
    return resolve_when(sentence[: cut.start()], written) if cut else None


def read_departures(ref: str, text: str, deal: Deal, written: dt.date) -> Iterator[Fact]:
    """Someone named in the text is leaving or has left: a contact the deal cannot rely on."""
    if not _LEAVING_GATE.may_match(text):
        return
    names = {c.id: c.name for c in deal.contacts}
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        who, covers = leavers(sentence, deal, ref)
        back = back_on(sentence, written) if who and _TEMPORARY.search(sentence) else None
        until = back[0] if back else None
        # a leave with an end starts on the date before "until" (else it has started)
        on = (_leave_starts(sentence, written) or written) if until else last_day(sentence, written)
        for person in who:
            yield Fact(
                kind="departure",
                ref=ref,
                quote=sentence,
                contact_id=person,
                on=on,
                until=until,
            )
            for cover in covers:
                yield Fact(
                    kind="person",
                    ref=ref,
                    quote=sentence,
                    person=names[cover],
                    contact_id=cover,
                    stands_in_for=person,
                    until=until,
                )
