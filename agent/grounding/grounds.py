"""Grounds: the words, numbers, percentages and dates a text may use, read out of any value
(input, analysis, knowledge), and the lookup of several grounds side by side (Layers).

Reading a value's grounds is a good part of checking a new answer, so the walk tests the few
exact types dumped data holds first, and the text is read line by line with each line kept per
content (a new deal's analysis is mostly lines other deals had).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from agent.grounding.text_scan import DATE, JOINS, numbers_in_text, percents_in_text, scan, words


def leaves(value: Any, percents: list[float] | None = None) -> tuple[list[str], list[float]]:
    """All strings and numbers in a value, models dumped once to plain data (fast, in Rust).
    With `percents`, numbers held in a field that says it is a percentage ('roi_percent: 289')
    are also collected there. Dumped data holds only a few exact types, tested first (this
    walk is a good part of checking a new answer); any other value takes the general test."""
    texts: list[str] = []
    numbers: list[float] = []
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    text, number = texts.append, numbers.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            text(item)
        elif kind is dict:
            extend(item.keys())
            extend(item.values())
            if percents is not None and _may_name_percents(item):
                percents.extend(_percent_fields(item))
        elif kind is list:
            extend(item)
        elif kind is float or kind is int:
            number(float(item))
        elif kind is bool or item is None:
            continue
        elif isinstance(item, BaseModel):
            push(item.model_dump(mode="json"))
        elif isinstance(item, str):
            text(item)
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int | float):
            number(float(item))
        elif isinstance(item, dict):
            extend(item.keys())
            extend(item.values())
            if percents is not None:
                percents.extend(_percent_fields(item))
        elif isinstance(item, list | tuple | set | frozenset):
            extend(item)
        elif isinstance(item, dt.date):
            text(item.isoformat())
    return texts, numbers


def _may_name_percents(item: dict[Any, Any]) -> bool:
    """Whether a key of the dict may say its value is a percentage: one test of the keys
    together, so most dicts skip `_percent_fields`."""
    try:
        keys = "\0".join(item) + "\0"
    except TypeError:  # a key that is not a string
        return True
    return "percent" in keys or "_pct\0" in keys


def _percent_fields(item: dict[Any, Any]) -> list[float]:
    return [
        float(v)
        for k, v in item.items()
        if isinstance(k, str)
        and ("percent" in k or k.endswith("_pct"))
        and isinstance(v, int | float)
        and not isinstance(v, bool)
    ]


def _number_forms(values: Iterable[float]) -> set[float]:
    """Any number may be written rounded or without its sign."""
    forms: set[float] = set()
    for v in values:
        forms.update(_forms_of(v))
    return forms


@lru_cache(maxsize=65536)
def _forms_of(v: float) -> tuple[float, ...]:
    """The forms of one number: the same few values recur on every request about a deal."""
    return (
        v,
        round(v),
        round(v, 1),
        round(v, 2),
        abs(v),
        round(abs(v)),
        round(abs(v), 1),
        round(abs(v), 2),
    )


def _percent_forms(ratios: Iterable[float]) -> set[float]:
    """A ratio (0.37, an ROI of 2.89) written as a percentage (37%, 289%)."""
    return _number_forms(v * 100 for v in ratios if -100 <= v <= 100)


@dataclass(frozen=True)
class Grounds:
    """Words, numbers, percentages and dates a text may use. A percentage must match a
    fraction or a percentage the sources hold, not any number that happens to be there: a
    deal with a 37-day stage does not ground "37% faster"."""

    vocabulary: frozenset[str]
    numbers: frozenset[float]
    dates: frozenset[str]
    percents: frozenset[float] = frozenset()

    def __or__(self, other: Grounds) -> Grounds:
        return Grounds(
            self.vocabulary | other.vocabulary,
            self.numbers | other.numbers,
            self.dates | other.dates,
            self.percents | other.percents,
        )


def grounds_of(values: list[Any]) -> Grounds:
    """The grounds a list of values supplies: walked once, and the text scanned only when this
    exact content was not seen lately (a warm request about the same deal computes the same
    analysis, so its words are not read again)."""
    named: list[float] = []
    texts, numbers = leaves(values, named)
    return _grounds_of_content("\n".join(texts), tuple(numbers), tuple(named))


@lru_cache(maxsize=256)
def _grounds_of_content(
    joined: str, numbers: tuple[float, ...], named: tuple[float, ...]
) -> Grounds:
    """Read line by line, each line kept per content (the texts of a new deal's analysis are
    mostly lines other deals had): no pattern crosses a line break, except a percent sign or
    word opening a line after a number, which is read across it as before."""
    lines = [_line_grounds(line) for line in joined.split("\n")]
    if any(line[4] for line in lines[1:]):
        lines = [_line_grounds(joined)]
    written = [n for line in lines for n in line[1]]
    return Grounds(
        vocabulary=frozenset().union(*(line[0] for line in lines)),
        numbers=frozenset(_number_forms([*numbers, *written])),
        dates=frozenset(d for line in lines for d in line[2]),
        percents=frozenset(
            _percent_forms([*numbers, *written])
            | _number_forms([*(p for line in lines for p in line[3]), *named])
        ),
    )


_LineGrounds = tuple[frozenset[str], tuple[float, ...], tuple[str, ...], tuple[float, ...], bool]


@lru_cache(maxsize=16384)
def _line_grounds(text: str) -> _LineGrounds:
    """A line's words, numbers, dates and percentages, and whether it opens with a percent
    sign or word (which a number ending the line before would take)."""
    return (
        frozenset(words(text)),
        tuple(numbers_in_text(text)),
        tuple(DATE.findall(text)),
        tuple(percents_in_text(text)),
        JOINS.match(text) is not None,
    )


def ungrounded_numbers(text: str, grounds: Grounds | Layers) -> tuple[int, list[str]]:
    """(numbers checked, those the grounds do not hold) in a text; dates, citation refs, ids
    and list markers are not numbers. One written as a percentage must be a ratio or a
    percentage of the sources."""
    numbers = scan(text).numbers
    unsupported = [
        written
        for written, value, percent in numbers
        if value not in (grounds.percents if percent else grounds.numbers)
    ]
    return len(numbers), unsupported


class _AnyOf(Container[Any]):
    """Membership in any of several sets, without copying them into one."""

    __slots__ = ("sets",)

    def __init__(self, sets: tuple[frozenset[Any], ...]) -> None:
        self.sets = sets

    def __contains__(self, item: object) -> bool:
        return any(item in s for s in self.sets)


class Layers:
    """Several grounds read as their union: the input's (kept per context object), this
    request's computed values, the cited knowledge (kept per set of documents) and the agent's
    own words. A word or a number is looked up in each; nothing is copied per request."""

    __slots__ = ("layers", "vocabulary", "numbers", "dates", "percents")

    def __init__(self, *layers: Grounds) -> None:
        self.layers = layers
        self.vocabulary = _AnyOf(tuple(g.vocabulary for g in layers))
        self.numbers = _AnyOf(tuple(g.numbers for g in layers))
        self.dates = _AnyOf(tuple(g.dates for g in layers))
        self.percents = _AnyOf(tuple(g.percents for g in layers))
