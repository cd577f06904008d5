"""read_deal: every fact the deal's free text holds, each with the words it came from.

Offline, the rules in people.py, outreach.py (with occurrence.py and absence.py), meetings.py,
constraints.py, comparisons.py, sentiment.py, departures.py, progress.py and record_history.py
read the notes, activity summaries and outcomes, next steps, contact notes, upstream agents'
prose and the call transcript. With a
chat model configured, reader.py adds what the rules missed, keeping only facts whose quote code
finds verbatim in the input. Text that reads like instructions to a model is reported by the
read node (agent/model/injection.py), whether or not a model is configured.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from functools import partial

from agent.contracts.context import DealContext
from agent.contracts.deal import Deal
from agent.contracts.facts import Fact, Reading
from agent.memo import PerObject, Recent
from agent.reading.absence import read_absences
from agent.reading.comparisons import read_comparisons
from agent.reading.competitors import Competitors
from agent.reading.constraint_details import lengths_from_replies
from agent.reading.constraints import read_constraints
from agent.reading.departures import CONTACT_NOTES, read_departures
from agent.reading.meetings import read_meetings
from agent.reading.objection_phrases import Proper
from agent.reading.outreach import read_outreach
from agent.reading.people import read_people
from agent.reading.progress import read_progress
from agent.reading.record_history import read_history_gaps, read_partner_history
from agent.reading.refs import record_item
from agent.reading.sentiment import read_sentiment
from agent.reading.texts import about_the_deal, free_texts

_UTTERANCE = re.compile(r"^transcript\.utterances\[(\d+)\]")


def written_on(ctx: DealContext, ref: str, as_of: dt.date, call: dt.date | None) -> dt.date:
    """The date a text was written on: its note's or activity's, the call's, a contact's notes'
    last contact (no later than today: "on leave from 15 December" stays that December as the
    months pass), else today."""
    if (item := record_item(ref)) is not None:
        items = ctx.deal.notes if item.kind == "notes" else ctx.deal.activities
        return items[item.at].date
    if (c := CONTACT_NOTES.match(ref)) is not None and int(c.group(1)) < len(ctx.deal.contacts):
        last = ctx.deal.contacts[int(c.group(1))].last_contact
        return min(last, as_of) if last is not None else as_of
    if ref.startswith("transcript.") and call is not None:
        return call
    return as_of


def seller_written(ctx: DealContext, ref: str) -> bool:
    """Whose words: a customer's line in a call says 'our CISO' of the customer's own."""
    if (m := _UTTERANCE.match(ref)) is not None and ctx.transcript is not None:
        return ctx.transcript.utterances[int(m.group(1))].side != "customer"
    return True


def competitors_of(ctx: DealContext, known: Sequence[str] = ()) -> list[str]:
    """Competitor names to look for: the deal's, the competitive agent's, and `known` ones
    (the knowledge base's battle cards)."""
    names = [*ctx.deal.competitors, *known]
    if ctx.competitive is not None:
        names += [c.competitor for c in ctx.competitive.battle_cards]
    return list(dict.fromkeys(n for n in names if n))


def rival_comparisons(ref: str, text: str, names: Competitors) -> list[Fact]:
    """Comparisons with a competitor in a text, each naming the competitor as listed, however
    the text shortens it ("Quorra's price" is about Quorra Automate)."""
    return [
        f.model_copy(update={"competitor": names.name_of(f.competitor)}) if f.competitor else f
        for f in read_comparisons(ref, text, names.phrases)
    ]


def read_deal(
    ctx: DealContext,
    as_of: dt.date,
    competitors: Sequence[str] = (),
    call: dt.date | None = None,
) -> Reading:
    """The facts in the deal's free text, in the order the texts come (record, upstream, call).
    Read once per context object and dates: reading every text is most of a warm request."""
    key = (as_of, tuple(competitors), call)
    return _READINGS.get(ctx, key, lambda: _read_deal(ctx, as_of, competitors, call))


_READINGS: PerObject[Reading] = PerObject(kept="reading", kind=Reading)  # on disk in batch runs


def _read_deal(
    ctx: DealContext,
    as_of: dt.date,
    competitors: Sequence[str],
    call: dt.date | None,
) -> Reading:
    texts = [t for t in free_texts(ctx) if about_the_deal(t)]
    rivals = Competitors.of(competitors_of(ctx, competitors))
    facts: list[Fact] = read_absences(ctx.deal, list(read_outreach(ctx.deal)))
    dated = [(t.ref, t.text, written_on(ctx, t.ref, as_of, call)) for t in texts]
    facts += read_meetings(ctx.deal, as_of, [d for d in dated if not d[0].endswith(".outcome")])
    token = _token(ctx.deal, rivals)
    for ref, body, written in dated:
        if ref.endswith(".outcome"):
            continue  # outcomes are read as outreach
        seller = seller_written(ctx, ref)
        key = _A_LINE if _UTTERANCE.match(ref) else ref  # a call's line is read for its words
        read = _TEXTS.get(
            (token, key, body, written, seller),
            partial(_read_text, key, body, written, seller, ctx.deal, rivals),
        )
        facts += read if key == ref else _restamped(read, ref)
    if ctx.transcript is not None:  # a length said in answer to "how long does that take?"
        lines = [
            (f"transcript.utterances[{i}].text", u.text, u.person_id or u.speaker)
            for i, u in enumerate(ctx.transcript.utterances)
        ]
        facts = lengths_from_replies(facts, lines)
    return Reading(facts=facts, texts=len(texts))


def _read_text(
    ref: str, body: str, written: dt.date, seller: bool, deal: Deal, rivals: Competitors
) -> tuple[Fact, ...]:
    """The facts the per-text rules read in one text, in the order they come."""
    return (
        *read_people(ref, body, deal, seller),
        *read_constraints(ref, body, written),
        *rival_comparisons(ref, body, rivals),
        *read_sentiment(ref, body, deal),
        *read_departures(ref, body, deal, written),
        *read_progress(ref, body, written, deal),
        *read_history_gaps(ref, body, written),
        *read_partner_history(ref, body, written, deal),
    )


# A text read once is not read again with the same ref, date, side and the same deal as far as
# the per-text rules see it (the contacts' ids, names and titles, the seller's names, the stage
# history, the competitor names). A debrief reads the call's lines with the record, then again
# with the call logged (which changes a contact's last contact, not what the rules read); a
# new request about a changed deal re-reads only its new texts.
_TEXTS: Recent[tuple[int, str, str, dt.date, bool], tuple[Fact, ...]] = Recent(maxsize=1 << 16)
_TOKENS: dict[tuple[object, ...], int] = {}


# The per-text rules read a call's line by its words, its date and side, never by its place
# in the call (only a contact's own notes are read by whose they are): a line said again ("Yes,
# that's right.", "Okay.") is read once per call and its facts restamped with each place.
_A_LINE = "transcript.utterances[*].text"


def _restamped(facts: tuple[Fact, ...], ref: str) -> tuple[Fact, ...]:
    return tuple(f.model_copy(update={"ref": ref}) if f.ref == _A_LINE else f for f in facts)


def forget_texts() -> None:
    """Forget every text read (a benchmark of reading a call for the first time)."""
    _TEXTS.clear()


def _token(deal: Deal, rivals: Competitors) -> int:
    """A small number for what the per-text rules read of the deal and the competitor names
    (hashed once per reading, not once per text)."""
    key = (
        tuple((c.id, c.name, c.title) for c in deal.contacts),
        tuple(m.name for m in (deal.owner, *deal.team)),
        tuple((h.stage, h.entered) for h in deal.stage_history),
        tuple((n, isinstance(n, Proper)) for n in rivals.phrases),
        rivals.aliases,
    )
    if key not in _TOKENS and len(_TOKENS) >= 4096:
        _TOKENS.clear()  # numbers are never reused, so no text is read with another's deal
    return _TOKENS.setdefault(key, next(_COUNT))


_COUNT = itertools.count()
