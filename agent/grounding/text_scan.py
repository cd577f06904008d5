"""What a text writes that the grounding check looks up: the capitalised words that do not open
a sentence, the dates, and the numbers (as written, their value, whether written as a
percentage), with citation refs, ids and list markers taken out first.

This reading depends on the text alone, never on the grounds, so it is kept per content (a
whole answer, and each of its lines) and shared by the check of an answer and the reading of
the grounds themselves (grounds.py reads the same words, numbers and dates out of the input).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import NamedTuple

from agent.contracts.context import INPUT_ROOTS

# Patterns that start with a character class are scanned for that character first: "a digit
# not after a word character" is written as a digit, then a look back past it, which matches
# exactly what `\b\d` or `(?<![\w.])\d` would, two to three times faster.
DATE = re.compile(r"\d(?<!\w\d)\d{3}-\d{2}-\d{2}\b")
_ROOTS = "|".join(INPUT_ROOTS)
_REF = re.compile(rf"kb:[\w#.-]+|\b(?:{_ROOTS})(?:\.\w+|\[\d+\])+")
_IDENT = re.compile(r"\b[A-Za-z]+[\w]*-[\w-]*\d[\w-]*\b|\b[A-Za-z]+\d\w*\b")
_DIGIT = re.compile(r"\d")
_RUN = re.compile(r"[\w-]*")  # word characters and hyphens: where an id can be
_NUMBER = re.compile(r"\d(?<![\w.]\d)[\d,]*(?:\.\d+)?")
_PERCENT = re.compile(r"(\d(?<![\w.]\d)[\d,]*(?:\.\d+)?)\s?(?:%|percent\b|per cent\b|points?\b)")
_PERCENT_AFTER = re.compile(r"\s?(?:%|percent\b|per cent\b|points?\b)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’&-]*")
SPLIT = re.compile(r"['’&-]")
_MARKERS = re.compile(r"\[\d+\]|^\s*\d+\.\s", re.MULTILINE)
_CAPITAL = re.compile(r"[A-Z](?<![\w'’-][A-Z])[a-zA-Z'’&-]+")
# What may come right before a capitalised word that starts a sentence, a list item or a line.
_SENTENCE_START = re.compile(r"(^|\n|[.!?:;>•*#|(\"“]|\d[.)]|-)[ \t]*$")


@lru_cache(maxsize=8192)
def _opens(before: str) -> bool:
    """Whether the few characters before a capitalised word start a sentence, an item or a
    line: the same short contexts recur all through an answer, so each is matched once."""
    return _SENTENCE_START.search(before) is not None


def numbers_in_text(text: str) -> list[float]:
    return [float(m.group().replace(",", "")) for m in _NUMBER.finditer(DATE.sub(" ", text))]


def percents_in_text(text: str) -> list[float]:
    """Numbers a text writes as percentages or percentage points ('37%', '5 points')."""
    return [float(m.group(1).replace(",", "")) for m in _PERCENT.finditer(text)]


def words(text: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(text)}
    return words | {p for w in words if SPLIT.search(w) for p in SPLIT.split(w) if p}


@dataclass(frozen=True)
class _Scan:
    """What the check looks up from one text, in order: the capitalised words that do not open
    a sentence, the dates, and the numbers (as written, their value, whether written as a
    percentage). They depend on the text alone, not on the grounds."""

    capitals: tuple[str, ...]
    dates: tuple[str, ...]
    numbers: tuple[tuple[str, float, bool], ...]


@lru_cache(maxsize=512)
def scan(text: str) -> _Scan:
    """The text's scan, kept per content: an answer's result and markdown are scanned once, and
    the same answer checked again (a warm request about an unchanged deal, a re-check after a
    repair) looks its words and numbers up without reading the text again.

    A new answer is mostly lines other answers had too (a play's steps, a template's headings,
    a knowledge passage), so it is scanned line by line and each line's scan is kept per
    content: what a line yields does not depend on the lines around it (no pattern crosses a
    line break, and what comes before a word or a number at the start of a line reads the
    same as the start of a text), except in the two cases `_Line` names; a text with one of
    those is scanned whole, as before."""
    if "\n" not in text:
        return _scan_whole(text)
    lines = list(map(_line, text.split("\n")))
    if lines[0].dangling or any(map(_BOUND, lines[1:])):
        return _scan_whole(text)
    return _Scan(
        tuple(chain.from_iterable(map(_CAPITALS, lines))),
        tuple(chain.from_iterable(map(_DATES, lines))),
        tuple(chain.from_iterable(map(_NUMBERS, lines))),
    )


class _Line(NamedTuple):
    """One line's scan, and whether the line break around it could change what the whole text
    yields: `dangling`, a list marker ending the line ('3.'), which in a whole text takes the
    line break as the space after it (so is not a number there); `joins`, a line that starts
    with a percent sign or word, which in a whole text makes a number ending the line before
    it a percentage. `bound`: either (what a line after the first must not be)."""

    capitals: tuple[str, ...]
    dates: tuple[str, ...]
    numbers: tuple[tuple[str, float, bool], ...]
    dangling: bool
    bound: bool


_CAPITALS, _DATES, _NUMBERS, _BOUND = (
    attrgetter(f) for f in ("capitals", "dates", "numbers", "bound")
)
_DANGLING = re.compile(r"\s*\d+\.")
JOINS = re.compile(r"%|percent\b|per cent\b|points?\b")


@lru_cache(maxsize=16384)
def _line(line: str) -> _Line:
    unmarked = _without_ids(_REF.sub(" ", DATE.sub(" ", line)))
    scan, cleaned = _scanned(line, unmarked)
    dangling = _DANGLING.fullmatch(unmarked) is not None
    joins = JOINS.match(cleaned) is not None
    return _Line(scan.capitals, scan.dates, scan.numbers, dangling, dangling or joins)


def _scan_whole(text: str) -> _Scan:
    """The capitalised words that do not open a sentence, the dates and the numbers of a text,
    read in one piece."""
    return _scanned(text, _without_ids(_REF.sub(" ", DATE.sub(" ", text))))[0]


def _scanned(text: str, unmarked: str) -> tuple[_Scan, str]:
    """The scan of `text`, given it without dates, refs and ids; and that without list markers."""
    capitals = tuple(
        m.group()
        for m in _CAPITAL.finditer(text)
        if (at := m.start()) != 0 and not _opens(text[max(0, at - 4) : at])
    )
    cleaned = _MARKERS.sub(" ", unmarked)
    numbers = []
    for match in _NUMBER.finditer(cleaned):
        percent = _PERCENT_AFTER.match(cleaned, match.end()) is not None
        written = match.group()
        value = float(written.replace(",", ""))
        numbers.append((written + ("%" if percent else ""), value, percent))
    return _Scan(capitals, tuple(DATE.findall(text)), tuple(numbers)), cleaned


def _without_ids(text: str) -> str:
    """`_IDENT.sub(" ", text)`, applied only to the runs of word characters and hyphens that
    hold a digit. An id lies inside one such run, and what borders a run is no word character
    (as the start and end of a text are not), so the result is the same; but the id pattern,
    tried at every word of a long answer, took most of the grounding check's time."""
    parts: list[str] = []
    last = 0
    backwards = ""
    while (digit := _DIGIT.search(text, last)) is not None:
        at = digit.start()
        backwards = backwards or text[::-1]
        start = at - (_run_end(backwards, len(text) - at) - (len(text) - at))
        end = _run_end(text, at)
        run = text[start:end]
        parts += [text[last:start], run if run.isdigit() else _IDENT.sub(" ", run)]
        last = end
    return "".join(parts) + text[last:] if parts else text


def _run_end(text: str, at: int) -> int:
    run = _RUN.match(text, at)  # always matches, if only the empty string
    return run.end() if run is not None else at
