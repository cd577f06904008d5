"""Who does what in a sentence of a deal's text: the person a behaviour belongs to, whether the
text says it happened, did not happen, or is only intended, and whose words a quote is.

A methodology that judges people by behaviour (a champion who arranged access to power, a buyer
who stated the payoff) needs three answers for every phrase a rule finds, and these are the
readable rules for them:

- **Actor.** The passive agent ("organised by Milagros"); else the nearest person written before
  the phrase in its sentence who is not the object of a preposition or a request ("a meeting with
  Kwabena that Efua arranged" is Efua's); "she"/"he" are the customer last named as an actor in
  the same text (or the activity's only customer); "we"/"I" are the writer: the seller in a note
  or a summary, the speaker in a customer's quote. A sentence that opens with the verb ("Asked
  Min-seo to introduce us") is the writer's.
- **Polarity.** A negation between the actor and the phrase ("has not shared", "could not say",
  "no internal information shared", "without") means the text says it did not happen; a refusal
  after a request ("asked her to introduce us; she declined") is a failed request.
- **Intention.** "will", "would", "said he would", "offered to", "plans to" before the phrase: it
  has not happened yet, so it is no evidence either way.
- **Voice.** A quote ('Ivana said: "..."'), reported speech ("Guadalupe said she ...") and a
  customer's transcript line are the customer's own words; what the rep "told her" is the seller's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from agent.contracts.context import DealContext
from agent.reading.spans import sentence_spans
from agent.reading.texts import about_the_deal, free_texts

SELLER = "seller"  # the actor id of anyone on the selling side
Polarity = Literal["done", "not_done", "intended"]

_INDEXED = re.compile(r"^deal\.(activities|contacts)\[(\d+)\]")
_UTTERANCE = re.compile(r"^transcript\.utterances\[(\d+)\]")
_NAME_STOP = frozenset({"the", "and", "van", "von", "de", "da", "del", "der", "bin", "al", "le"})
_OBJECT_BEFORE = re.compile(
    r"\b(?:with|to|for|from|of|about|on|by|asked|told|met|called|emailed|invited|urged|"
    r"pushed|requested|through|than|and|showed|gave|sent|reminded|assured|convinced|promised|"
    r"walked|helped|pinged|briefed|updated|pitched|emailed|thanked)\s*$",
    re.IGNORECASE,
)
_REQUEST_BEFORE = re.compile(
    r"\b(?:asked|invited|urged|pushed|requested|pressed|wanted)\s*$", re.IGNORECASE
)
_SUBJECT_PRONOUN = re.compile(r"\b(?:she|he|we|i)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:not|never|no|none|nothing|nobody|without|neither|nor|cannot|unable|"
    r"declined to|refused to|failed to)\b|n['’]t\b",
    re.IGNORECASE,
)
_INTENT = re.compile(
    r"\b(?:will|would|shall|going to|gonna|plans? to|planning to|intends? to|promised to|"
    r"offered to|hopes? to|wants? to|agreed to|needs? to|has to|have to|is to|are to|"
    r"expected to|supposed to|may|might|should|could|can|about to|if)\b|['’]ll\b",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"\b(?:declined|refused|said no|turned (?:it|us|that) down|would not|wouldn['’]t|"
    r"could not|couldn['’]t|did not|didn['’]t|won['’]t|will not|pushed back)\b",
    re.IGNORECASE,
)
# "Megan to share leadership feedback": an action still to do ("managed to" is done).
_TO_DO = re.compile(r"(?<!managed )(?<!able )(?<!helped )\bto\s*$", re.IGNORECASE)
# A clause boundary: what precedes it does not govern what follows ("she did not X, and Y").
_CLAUSE = re.compile(r"[;:()]|,\s*(?:and|but|then|so|while|which)\b|\bbut\b|\band then\b", re.I)
_QUOTE = re.compile(r"[\"“](?P<q>[^\"“”]{3,}?)[\"”]")
_SPEECH = (
    r"(?:said|says|told (?:us|me|him|her|them|the team|[A-Z][\w’'-]+)|added|replied|wrote|answered|"
    r"showed (?:us|me|him|her|them|[A-Z][\w’'-]+)|assured (?:us|him|her|them|[A-Z][\w’'-]+)|"
    r"explained|admitted|confirmed|agreed|put it|described|mentioned|noted|complained|"
    r"estimates?|insisted|stressed|summed (?:it )?up)"
)


@dataclass(frozen=True)
class Source:
    """One free text and what decides whose it is: its path, the customers who took part (an
    activity's), the contact it is about (a contact's notes), and its speaker (a call line)."""

    ref: str
    text: str
    customers: tuple[str, ...] = ()
    about: str | None = None
    speaker: str | None = None  # a contact id, SELLER, or None when unknown
    customer_line: bool = False
    planned: bool = False  # a next step: what is to happen, not what happened
    spans: tuple[tuple[int, int], ...] = ()  # its sentences, split once

    def sentences(self) -> Iterator[tuple[int, str]]:
        for a, b in self.spans:
            yield a, self.text[a:b]


@dataclass(frozen=True)
class People:
    """How the deal's people are written: each name and name part, to a contact id or SELLER."""

    names: dict[str, str]
    pattern: re.Pattern[str]
    titles: dict[str, str] = field(default_factory=dict)  # contact id -> title

    def who(self, written: str) -> str | None:
        return self.names.get(written.lower().removesuffix("'s").removesuffix("’s"))


def people_of(ctx: DealContext) -> People:
    """Full names and unambiguous name parts (three letters or more) of contacts and sellers."""
    deal = ctx.deal
    owners: dict[str, set[str]] = {}
    people = [(c.id, c.name) for c in deal.contacts]
    people += [(SELLER, m.name) for m in [deal.owner, *deal.team]]
    for pid, name in people:
        parts = [name, *name.split()]
        for part in parts:
            key = part.lower().strip(".,")
            if len(key) >= 3 and key not in _NAME_STOP:
                owners.setdefault(key, set()).add(pid)
    names = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
    body = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) or r"(?!x)x"
    pattern = re.compile(rf"(?<![\w-])(?:{body})(?:['’]s)?(?![\w-])", re.IGNORECASE)
    return People(names, pattern, {c.id: c.title for c in deal.contacts})


def sources_of(ctx: DealContext) -> list[Source]:
    """The deal's free texts with who each belongs to; CRM outcome words are not prose."""
    customers = {c.id for c in ctx.deal.contacts}
    found = []
    for t in free_texts(ctx):
        if not about_the_deal(t) or t.ref.endswith(".outcome"):
            continue
        planned = t.ref.endswith("next_step")
        src = Source(t.ref, t.text, planned=planned)
        if (m := _INDEXED.match(t.ref)) is not None:
            i = int(m.group(2))
            if m.group(1) == "activities":
                parts = tuple(p for p in ctx.deal.activities[i].participants if p in customers)
                src = Source(t.ref, t.text, parts, planned=planned)
            else:
                src = Source(t.ref, t.text, about=ctx.deal.contacts[i].id)
        elif (m := _UTTERANCE.match(t.ref)) is not None and ctx.transcript is not None:
            u = ctx.transcript.utterances[int(m.group(1))]
            side = u.side == "customer"
            speaker = (u.person_id if u.person_id in customers else None) if side else SELLER
            src = Source(t.ref, t.text, speaker=speaker, customer_line=side)
        found.append(replace(src, spans=tuple(sentence_spans(src.text))))
    return found


@dataclass(frozen=True)
class DealText:
    """A deal's people and free texts, read once and shared by every reader of behaviour."""

    people: People
    sources: list[Source]


def deal_text(ctx: DealContext, given: DealText | None = None) -> DealText:
    return given if given is not None else DealText(people_of(ctx), sources_of(ctx))


@dataclass(frozen=True)
class Cue:
    """One behaviour the text shows (or says did not happen): who, where, and the words."""

    kind: str
    polarity: Polarity
    who: str | None  # a contact id, SELLER, or None when the text does not say who
    ref: str
    quote: str  # the sentence, verbatim
    phrase: str  # the words the rule matched

    @property
    def done(self) -> bool:
        return self.polarity == "done"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    who: str | None  # contact id, SELLER, or None for a pronoun to resolve
    pronoun: str = ""


def mentions(sentence: str, people: People) -> list[Mention]:
    """Names and subject pronouns in a sentence, in order."""
    found = [
        Mention(m.start(), m.end(), people.who(m.group(0)))
        for m in people.pattern.finditer(sentence)
    ]
    found += [
        Mention(m.start(), m.end(), None, m.group(0).lower())
        for m in _SUBJECT_PRONOUN.finditer(sentence)
    ]
    return sorted(found, key=lambda m: m.start)


@dataclass
class Reader:
    """Reads one source sentence by sentence, remembering the customer last seen acting, so
    'she' in the next sentence is resolved the way a reader would."""

    src: Source
    people: People
    last: str | None = None
    at: int = 0  # where the sentence being read starts

    def sentences(self) -> Iterator[tuple[int, str]]:
        for a, sentence in self.src.sentences():
            self.at = a
            yield a, sentence

    def writer(self) -> str | None:
        return (
            self.src.speaker
            if self.src.speaker is not None
            else (None if self.src.customer_line else SELLER)
        )

    def pronoun(self, word: str, voice: str | None) -> str | None:
        if word in ("we", "i"):
            return voice if voice is not None else self.writer()
        if self.last is not None:
            return self.last
        if self.src.about is not None:
            return self.src.about
        earlier = [
            self.people.who(m.group(0))
            for m in self.people.pattern.finditer(self.src.text[: self.at])
        ]
        named = [w for w in earlier if w is not None and w != SELLER]
        if named:  # the customer named last before this sentence
            return named[-1]
        return self.src.customers[0] if len(self.src.customers) == 1 else None

    def actor(
        self, sentence: str, start: int, end: int, voice: str | None = None
    ) -> tuple[str | None, int, bool]:
        """(actor, where the actor ends, asked-to) for a phrase at [start, end) of a sentence.
        `voice` is whose words the phrase is in, when a quote or reported speech says so."""
        passive = re.match(r"\s+by\s+(?P<n>[^\s,;.]+(?:\s+[A-Z][^\s,;.]*)?)", sentence[end:])
        if passive and (who := self.people.who(passive.group("n").split()[0])) is not None:
            return self._seen(who), start, False
        before = [m for m in mentions(sentence[:start], self.people) if m.end <= start]
        for m in reversed(before):
            lead = sentence[: m.start]
            if m.pronoun == "" and _REQUEST_BEFORE.search(lead):
                return self._seen(m.who), m.end, True
            if m.pronoun == "" and _OBJECT_BEFORE.search(lead):
                continue
            who = m.who if not m.pronoun else self.pronoun(m.pronoun, voice)
            return self._seen(who), m.end, False
        if voice is not None:
            return voice, 0, False
        if self.src.about is not None:  # a contact's notes are about that contact
            return self.src.about, 0, False
        if not re.search(r"\w", sentence[:start]) or re.match(
            r"\s*(?:then|also|and|later|finally|first|next)?\s*$", sentence[:start], re.I
        ):
            return self.writer(), 0, False
        return None, 0, False

    def _seen(self, who: str | None) -> str | None:
        if who is not None and who != SELLER:
            self.last = who
        return who

    def polarity(
        self, sentence: str, actor_end: int, start: int, end: int, asked: bool
    ) -> Polarity:
        """Done, not done, or only intended, from the words between the actor and the phrase
        (the last clause of them), and after the phrase for a request."""
        window = sentence[actor_end:start]
        clause = _CLAUSE.split(window)[-1]
        if self.src.planned:
            return "intended"
        if asked:
            return "not_done" if _REFUSAL.search(sentence[end:]) else "intended"
        if _NEGATION.search(clause) or re.match(r"\s*(?:not|never)\b", sentence[end:]):
            return "not_done"
        if _INTENT.search(clause) or _TO_DO.search(clause):
            return "intended"
        return "done"


def voices(src: Source, people: People, reader: Reader) -> list[tuple[int, int, str | None]]:
    """Spans of a text in someone's own words: (start, end, contact id or SELLER). A customer's
    call line is theirs throughout; in a note or a summary, a quote belongs to the person named
    with a speech verb before or after it, and reported speech ('Ivana said that ...', 'Luka
    told her that ...') runs from the verb to the end of its sentence."""
    text = src.text
    if src.speaker is not None or src.customer_line:
        return [(0, len(text), src.speaker)]
    spans: list[tuple[int, int, str | None]] = []
    for m in _QUOTE.finditer(text):
        lead = text[max(0, m.start() - 90) : m.start()]
        said = re.search(
            rf"(?P<n>[\w’'-]+)\s+(?:\w+\s+)?{_SPEECH}\b[^\"“]{{0,25}}$|(?P<c>[\w’'-]+):\s*$", lead
        )
        after = re.match(rf"\s*,?\s*(?:{_SPEECH})\s+(?P<n>[\w’'-]+)", text[m.end() :])
        name = (
            (said.group("n") or said.group("c")) if said else (after.group("n") if after else None)
        )
        if name is None:
            continue
        who = people.who(name)
        if who is None and name.lower() in ("she", "he"):
            who = reader.pronoun(name.lower(), None)
        if who is not None:
            spans.append((m.start("q"), m.end("q"), who))
    for a, sentence in src.sentences():
        b = a + len(sentence)
        for m in re.finditer(
            rf"\b(?P<n>[\w’'-]+)\s+(?:then\s+|also\s+)?{_SPEECH}\b(?:\s+that)?", sentence
        ):
            who = people.who(m.group("n"))
            if who is None and m.group("n").lower() in ("she", "he", "we", "i"):
                who = reader.pronoun(m.group("n").lower(), None)
            if who is None or any(s <= a + m.end() < e for s, e, _ in spans):
                continue
            spans.append((a + m.end(), b, who))
    return spans


def voice_at(spans: list[tuple[int, int, str | None]], at: int) -> tuple[bool, str | None]:
    """(inside someone's words, whose) for a position: the innermost span holding it."""
    inside = [(e - s, who) for s, e, who in spans if s <= at < e]
    return (True, min(inside, key=lambda x: x[0])[1]) if inside else (False, None)
