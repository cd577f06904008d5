"""Figures in authored and upstream text, where they come from, and how old that knowledge is.

A team trusts a battle card or a proof point only when every figure in it can be traced to a
source and the card has been checked recently. This module holds the one definition of a
figure that the knowledge loader (every figure needs a source), the coach (an unsourced
figure is never repeated as fact) and the reading layer (a competitor figure heard in a note)
all share, and the one staleness threshold.

A figure is a number written in digits that states a quantity: "41%", "$640,000", "9-12
months", "USD 95k", "3,400 developer hours". Years ("2027"), dates, list markers and numbers
that are part of a name or a reference ("AS9100", "Q1", "EDI 214", "21 CFR Part 11") are not
figures, nor is the basis of a rate: in "2.5 FTE per 100 users" the figure is "2.5 FTE", and
a source for it covers the line ("per 100 users" states no fact on its own). Spelled-out
quantities ("seven months", "a fifth") are not detected: write figures in digits so that they
are checked. A source may still name a spelled-out figure, and then covers it the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from agent.months import MONTHS, alternation
from knowledge.documents import Document

# A card or a proof point last verified longer ago than this is stale: the coach says so, with
# the date, and asks for the figures to be re-verified before they are quoted. Six months is
# about how long competitor pricing and packaging, and a customer's permission to be quoted,
# stay reliable; this is the only place the number is set.
STALE_AFTER_DAYS = 180

CURRENCY_CODES = (
    "USD|EUR|GBP|CHF|JPY|CNY|AUD|CAD|NZD|SGD|HKD|INR|IDR|ILS|PHP|MYR|THB|ZAR|BRL|MXN|SEK|NOK|DKK|"
    "PLN|CZK|HUF|AED|SAR|TRY|KRW"
)
_DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER = re.compile(rf"(?<![\w.,]){_DIGITS}(?![\d])")
_RANGE_TAIL = re.compile(rf"\s?[-–]\s?{_DIGITS}")
_SCALE_TAIL = re.compile(r"\s?(?:%|k\b|m\b|bn\b|million\b|billion\b|thousand\b)", re.I)
_UNIT_TAIL = re.compile(
    r"[\s-](?:minutes?|hours?|days?|weeks?|months?|quarters?|years?|users?|seats?|FTEs?)\b",
    re.I,
)
_MONEY_HEAD = re.compile(rf"(?:[$€£¥]|\b(?:{CURRENCY_CODES})\s?)$")
_CURRENCY_AFTER = re.compile(rf"\s?(?:{CURRENCY_CODES})\b")
# Words after which a number is a reference, not a quantity ("Part 11", "Phase 2").
_LABELS = frozenset(
    {"part", "section", "article", "annex", "clause", "chapter", "version", "release"}
    | {"phase", "form", "rule", "schedule", "level", "tier", "no"}
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z]*)\s$")
_WORD_AFTER = re.compile(r"\s([A-Z][A-Z]+)\b")
_MONTH = rf"(?:{alternation(form.capitalize() for form in MONTHS)})\b"  # as written: "Sept"
_DATES = re.compile(
    rf"\b\d{{4}}-\d{{2}}(?:-\d{{2}})?(?![\d-])|\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTH}|"
    rf"\b{_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?\b(?!,\d)"
)
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s", re.MULTILINE)
_UNITS_IN_CAPS = frozenset({"FTE", "FTES"})
_RATE_BASIS = re.compile(r"\bper\s$", re.I)  # "per 100 users", "per 1,000 orders"


@dataclass(frozen=True)
class Figure:
    """One figure in a text: its span and the figure as a reader would quote it, with its
    currency, range, scale and unit ("USD 95k", "9-12 months"). A source must cover all of it."""

    start: int
    end: int
    text: str


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2099


def _is_reference(text: str, start: int, end: int) -> bool:
    """A number that names something rather than counting it."""
    after = text[end : end + 1]
    if after.isalpha() and not _SCALE_TAIL.match(text, end):
        return True  # glued to letters: 3PL, 2FA (95k and 9% are figures)
    if start and text[start - 1].isalpha():
        return True  # AS9100, Q1
    before = _WORD_BEFORE.search(text[max(0, start - 20) : start])
    if before is not None:
        word = before.group(1)
        if word.lower() in _LABELS:
            return True
        if len(word) > 1 and word.isupper() and not re.fullmatch(CURRENCY_CODES, word):
            return True  # EDI 214, ISO 27001
    caps = _WORD_AFTER.match(text, end)
    return (
        caps is not None
        and caps.group(1).upper() not in _UNITS_IN_CAPS
        and not re.fullmatch(CURRENCY_CODES, caps.group(1))
    )


def figures_in(text: str) -> list[Figure]:
    """Every figure in a text, in order."""
    masked = _LIST_MARKER.sub(_blank, _DATES.sub(_blank, text))
    found: list[Figure] = []
    for m in _NUMBER.finditer(masked):
        start, end = m.span()
        if found and start < found[-1].end:
            continue  # the upper end of a range already taken
        if _is_year(m.group()) or _is_reference(masked, start, end):
            continue
        if _RATE_BASIS.search(masked, max(0, start - 4), start):
            continue
        stop = end
        if (tail := _RANGE_TAIL.match(masked, stop)) is not None:
            stop = tail.end()
        scale = _SCALE_TAIL.match(masked, stop)
        stop = scale.end() if scale else stop
        percent = scale is not None and "%" in scale.group()
        tail = _CURRENCY_AFTER.match(masked, stop) or (
            None if percent else _UNIT_TAIL.match(masked, stop)
        )
        stop = tail.end() if tail else stop
        head = _MONEY_HEAD.search(masked[max(0, start - 5) : start])
        begin = start - len(head.group()) if head else start
        found.append(Figure(begin, stop, text[begin:stop]))
    return found


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def _occurrences(text: str, phrase: str) -> Iterable[tuple[int, int]]:
    """Where a phrase occurs as whole words (a source for "12 weeks" does not cover "112"),
    without case. ASCII text and phrase (nearly every card) are searched with str.find on the
    lower-cased text, as `_phrase_pattern` would match them: a card's ~170 sourced phrases
    compiled one by one cost about 24 ms of the first answer. Other text takes the pattern,
    whose case rules (Unicode folding) lower-casing does not reproduce."""
    needle = phrase.strip()
    if not needle:
        return
    if not (text.isascii() and needle.isascii()):
        for m in _phrase_pattern(needle).finditer(text):
            yield m.span()
        return
    low, needle = _lower(text), needle.lower()
    at = low.find(needle)
    while at >= 0:
        end = at + len(needle)
        if not (_word(text, at - 1) or _word(text, end)):
            yield at, end
            at = low.find(needle, end)
        else:
            at = low.find(needle, at + 1)


def _word(text: str, i: int) -> bool:
    """Whether text[i] is a word character (`\\w`); outside the text is not."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


@lru_cache(maxsize=256)
def _lower(text: str) -> str:
    return text.lower()  # a card's text is searched for each of its phrases


@lru_cache(maxsize=1024)
def _phrase_pattern(needle: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])" + re.escape(needle) + r"(?![\w])", re.I)


def unsourced(text: str, sourced: Sequence[str]) -> list[Figure]:
    """The figures of a text that no sourced phrase covers. A phrase covers a figure where it
    occurs in the text around the figure's number: declare "9-12 months" or "41%" as written."""
    return list(_unsourced(text, tuple(sourced)))


@lru_cache(maxsize=4096)
def _unsourced(text: str, sourced: tuple[str, ...]) -> tuple[Figure, ...]:
    """Kept per line and sources (a pure function): a battle card's lines are vetted against
    the same sources on every request that shows the card."""
    spans = [span for phrase in sourced for span in _occurrences(text, phrase)]
    return tuple(
        f for f in figures_in(text) if not any(a <= f.start and f.end <= b for a, b in spans)
    )


def absent(text: str, sourced: Sequence[str]) -> list[str]:
    """Sourced phrases that do not occur in the text: a source left behind by an edit."""
    return [p for p in sourced if not any(True for _ in _occurrences(text, p))]


@dataclass(frozen=True)
class Freshness:
    """How old a card's or a story's verification is on the run's date."""

    verified: dt.date
    as_of: dt.date

    @property
    def age_days(self) -> int:
        return (self.as_of - self.verified).days

    @property
    def stale(self) -> bool:
        return self.age_days > STALE_AFTER_DAYS


@dataclass(frozen=True)
class Provenance:
    """Who keeps a card or a story true, when it was last checked and which of its figures have
    a source: read from a knowledge document's front matter (the files or the index)."""

    owner: str | None
    verified: dt.date | None
    sourced: tuple[str, ...]
    sources: tuple[str, ...]

    def freshness(self, as_of: dt.date) -> Freshness | None:
        return Freshness(self.verified, as_of) if self.verified else None


def provenance_of(meta: Mapping[str, Any]) -> Provenance:
    """The front matter's owner, last_verified and sources; the index keeps the date as text."""
    verified = meta.get("last_verified")
    if isinstance(verified, str):
        try:
            verified = dt.date.fromisoformat(verified)
        except ValueError:
            verified = None
    sources = [s for s in meta.get("sources") or [] if isinstance(s, Mapping)]
    return Provenance(
        owner=str(meta["owner"]) if meta.get("owner") else None,
        verified=verified if isinstance(verified, dt.date) else None,
        sourced=tuple(str(f) for s in sources for f in s.get("figures", [])),
        sources=tuple(str(s.get("source", "")) for s in sources),
    )


def trust_texts(meta: Mapping[str, Any]) -> list[str]:
    """The provenance a document's front matter states, as text: what output citing the
    document may repeat about it (its owner, its date, where its figures come from)."""
    p = provenance_of(meta)
    return [
        *([p.owner] if p.owner else []),
        *([p.verified.isoformat()] if p.verified else []),
        *p.sources,
    ]


def due_for_review(docs: Iterable[Document], as_of: dt.date) -> list[tuple[Document, int]]:
    """Battle cards and proof points last verified longer ago than the threshold on `as_of`,
    oldest first, with their age in days: the list an owner works through."""
    out = []
    for doc in docs:
        verified = provenance_of(doc.meta).verified
        if verified is not None and (fresh := Freshness(verified, as_of)).stale:
            out.append((doc, fresh.age_days))
    return sorted(out, key=lambda x: (-x[1], x[0].id))
