"""Code's check on what a model read: a fact stands only on words code finds in the input.

A model may propose a fact of any kind the rules read (agent/contracts/facts.py); each one is
kept only when
- its `ref` is one of the texts the model was given (not a path it made up, nor a text it was
  not shown, such as one flagged as injected instructions);
- its `quote` occurs in that text, compared with whitespace collapsed, case folded and curly
  quotes and dashes made plain; the fact then carries the text's own words at that place, so
  whatever quotes it downstream quotes the input verbatim;
- the quote does not itself read like instructions to a model;
- its kind's defining fields are there and hold: a name, title or competitor must be in the
  quote; a contact is whoever the rules' own matching says (agent/reading/contacts.py);
  dates and durations are computed from the quote, relative to when the text was written,
  exactly as the rules compute them. Code computes; the model only points at the words.

Verified model facts are then merged with the rule facts: a model fact of the same kind, text
and overlapping words as a rule fact is the same fact, and the rule's typed fields win; the
model only fills fields the rules left unknown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.contracts.deal import Deal, DmuRole
from agent.contracts.facts import ComparisonClaim, ConstraintKind, Fact, FactKind, OutreachOutcome
from agent.model.injection import looks_like_instructions
from agent.reading.contacts import contact_for, is_seller, people_in, seller_side
from agent.reading.dates import resolve_when, weeks_in
from agent.reading.departures import last_day, leavers
from agent.reading.refs import activity_at
from knowledge.trust import figures_in

MIN_QUOTE_CHARS = 4  # "No", "ok": too short to point at anything
_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_WRAPPING = " \t\n\"'“”‘’«»"
# Fields a merge may fill on a rule fact; identity (kind, ref, quote) and provenance never.
_TYPED = tuple(name for name in Fact.model_fields if name not in ("kind", "ref", "quote", "source"))


# What a model may judge for each kind; every other field is computed in code from the words.
JUDGED: dict[str, tuple[str, ...]] = {
    "person": ("person", "title", "role", "authority", "met", "hedged"),
    "outreach": ("outcome",),
    "meeting": (),
    "constraint": ("constraint",),
    "comparison": ("competitor", "claim"),
    "sentiment": ("direction",),
    "departure": (),
}


class ProposedFact(BaseModel):
    """One fact as a model proposes it: the text, the words, and what only reading can say.
    No dates, durations, figures or contact ids: code computes those from the words."""

    kind: FactKind = Field(description="Which kind of fact.")
    ref: str = Field(description="The ref of the text it is read from, exactly as given.")
    quote: str = Field(
        description="The words it is read from, copied exactly from that text (one sentence "
        "or less)."
    )
    person: str | None = Field(default=None, description="person: the name, as written.")
    title: str | None = Field(default=None, description="person: the title or role, as written.")
    role: DmuRole | None = Field(default=None, description="person: the buying role it implies.")
    authority: bool | None = Field(
        default=None, description="person: true if the text says they sign or approve the spend."
    )
    met: bool | None = Field(
        default=None, description="person: false if the text says we have not met them."
    )
    hedged: bool | None = Field(
        default=None, description="person: true if the text only guesses who it is."
    )
    outcome: OutreachOutcome | None = Field(
        default=None, description="outreach: what came of the attempt to reach someone."
    )
    constraint: ConstraintKind | None = Field(
        default=None, description="constraint: what stands in the way."
    )
    competitor: str | None = Field(
        default=None, description="comparison: the competitor's name, as written."
    )
    claim: ComparisonClaim | None = Field(
        default=None, description="comparison: what the competitor is said to beat us on."
    )
    direction: Literal["warming", "cooling"] | None = Field(
        default=None, description="sentiment: how someone's feeling about the deal shifts."
    )


class ProposedReading(BaseModel):
    """A model's whole answer: every fact it read, none if the texts state none."""

    facts: list[ProposedFact] = Field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """A text the model was given: where it is, what it says, who wrote it and when."""

    ref: str
    text: str
    written: dt.date
    seller_written: bool = True


@dataclass(frozen=True)
class Scene:
    """What a fact's typed fields are computed against."""

    deal: Deal
    as_of: dt.date
    rivals: Sequence[str] = ()


def _normalised(text: str) -> tuple[str, list[int]]:
    """The text as compared (whitespace runs as one space, case folded, plain punctuation),
    with the index in the original of every character, so a match maps back to the input."""
    chars: list[str] = []
    index: list[int] = []
    space = False
    for i, ch in enumerate(text.translate(_PLAIN)):
        if ch.isspace():
            space = bool(chars)
            continue
        if space:
            chars.append(" ")
            index.append(i)
            space = False
        for folded in ch.casefold():
            chars.append(folded)
            index.append(i)
    return "".join(chars), index


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Where `quote` occurs in `text` (start, end in the original), or None. Quote marks a
    model wraps a quote in are not part of it."""
    wanted, _ = _normalised(quote.strip(_WRAPPING))
    if len(wanted) < MIN_QUOTE_CHARS or not any(c.isalnum() for c in wanted):
        return None
    haystack, index = _normalised(text)
    at = haystack.find(wanted)
    if at < 0:
        return None
    return index[at], index[at + len(wanted) - 1] + 1


def contains(quote: str, words: str | None) -> str | None:
    """`words` as the quote writes them, when the quote holds them as whole words (any case or
    spacing); else None. "Anna" is not in "Joanna"."""
    tokens = (words or "").translate(_PLAIN).split()
    if not tokens:
        return None
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(t) for t in tokens) + r"(?!\w)"
    m = re.search(pattern, quote.translate(_PLAIN), re.IGNORECASE)
    return quote[m.start() : m.end()] if m else None  # translate keeps every index


def _person(fact: Fact, src: Source, scene: Scene) -> dict[str, Any] | None:
    name, title = contains(fact.quote, fact.person), contains(fact.quote, fact.title)
    if name is None and title is None:
        return None
    ours = src.seller_written and title is not None and seller_side(fact.quote, title)
    if ours or is_seller(scene.deal, name):
        return None  # the seller's own people are not buyers
    return {"person": name, "title": title, "contact_id": contact_for(scene.deal, name, title)}


def _outreach(fact: Fact, src: Source, scene: Scene) -> dict[str, Any] | None:
    if fact.outcome is None:
        return None
    if (at := activity_at(src.ref, "summary", "outcome")) is not None:
        activity = scene.deal.activities[at]
        customers = {c.id for c in scene.deal.contacts}
        people = [p for p in activity.participants if p in customers]
        on = activity.date
    else:
        people, on = people_in(fact.quote, scene.deal), src.written
    return {"contact_id": people[0], "on": on} if people else None


def _meeting(fact: Fact, src: Source, scene: Scene) -> dict[str, Any] | None:
    on = resolve_when(fact.quote, src.written)
    if on is None or on <= scene.as_of:
        return None  # a meeting on the calendar has a date to come
    return {"on": on, "attendees": people_in(fact.quote, scene.deal)}


def _constraint(fact: Fact, src: Source, scene: Scene) -> dict[str, Any] | None:
    if fact.constraint is None:
        return None
    until = resolve_when(fact.quote, src.written)
    later = until if until and until > src.written else None
    return {"until": later, "weeks": weeks_in(fact.quote)}


def _comparison(fact: Fact, src: Source, scene: Scene) -> dict[str, Any] | None:
    if fact.claim is None:
        return None
    named = next((w for n in scene.rivals if (w := contains(fact.quote, n))), None)
    figures = figures_in(fact.quote)
    return {
        "competitor": named or contains(fact.quote, fact.competitor),
        "figure": figures[0].text if figures else None,
    }


def _sentiment(fact: Fact, src: Source, scene: Scene) -> dict[str, Any] | None:
    if fact.direction is None:
        return None
    people = people_in(fact.quote, scene.deal)
    return {"contact_id": people[0] if people else None}


def _departure(fact: Fact, src: Source, scene: Scene) -> dict[str, Any] | None:
    people, _ = leavers(fact.quote, scene.deal, fact.ref)
    if not people:
        return None  # leaving is about a contact the deal relies on
    return {"contact_id": people[0], "on": last_day(fact.quote, src.written)}


_KINDS: dict[str, Callable[[Fact, Source, Scene], dict[str, Any] | None]] = {
    "person": _person,
    "outreach": _outreach,
    "meeting": _meeting,
    "constraint": _constraint,
    "comparison": _comparison,
    "sentiment": _sentiment,
    "departure": _departure,
}


def verify(
    proposed: Sequence[ProposedFact], sources: Mapping[str, Source], scene: Scene
) -> tuple[list[Fact], Counter[str]]:
    """(the facts code could verify, with the input's own words and computed fields; why the
    others were dropped, counted by reason)."""
    kept: list[Fact] = []
    dropped: Counter[str] = Counter()
    for fact in proposed:
        src = sources.get(fact.ref)
        if src is None:
            dropped["ref not given"] += 1
            continue
        span = locate(fact.quote, src.text)
        if span is None:
            dropped["quote not in the text"] += 1
            continue
        words = src.text[span[0] : span[1]]
        if looks_like_instructions(words):
            dropped["quote reads like instructions"] += 1
            continue
        judged = {f: getattr(fact, f) for f in JUDGED[fact.kind] if getattr(fact, f) is not None}
        exact = Fact(kind=fact.kind, ref=fact.ref, quote=words, source="model", **judged)
        computed = _KINDS[fact.kind](exact, src, scene)
        if computed is None:
            dropped[f"{fact.kind} not established by its words"] += 1
            continue
        kept.append(exact.model_copy(update=computed))
    return kept, dropped


def _overlap(a: Fact, b: Fact, text: str | None) -> bool:
    """Same words: their places in the text overlap, or (where a rule fact's quote is not a
    slice of a text, such as a future activity's summary) one quote holds the other."""
    if text is not None:
        x, y = locate(a.quote, text), locate(b.quote, text)
        if x is not None and y is not None:
            return x[0] < y[1] and y[0] < x[1]
    one, other = _normalised(a.quote)[0], _normalised(b.quote)[0]
    return bool(one and other) and (one in other or other in one)


def _filled(rule: Fact, model: Fact) -> Fact:
    """The rule fact, with only the typed fields it left unknown taken from the model's."""
    update = {
        name: getattr(model, name)
        for name in _TYPED
        if getattr(rule, name) in (None, []) and getattr(model, name) not in (None, [])
    }
    return rule.model_copy(update=update) if update else rule


def merge(rules: Sequence[Fact], model: Sequence[Fact], texts: Mapping[str, str]) -> list[Fact]:
    """The rule facts (each completed by a model fact that is the same fact), then the model
    facts the rules did not find, each once."""
    merged = list(rules)
    added: list[Fact] = []
    for fact in model:
        text = texts.get(fact.ref)
        same = next(
            (
                i
                for i, r in enumerate(merged)
                if r.kind == fact.kind and r.ref == fact.ref and _overlap(r, fact, text)
            ),
            None,
        )
        if same is not None:
            merged[same] = _filled(merged[same], fact)
        elif not any(
            a.kind == fact.kind and a.ref == fact.ref and _overlap(a, fact, text) for a in added
        ):
            added.append(fact)
    return merged + added
