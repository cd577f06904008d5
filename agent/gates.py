"""Which texts a rule's patterns cannot match, found without running them.

The reading rules are long case-blind alternations tried at every position of every sentence:
on a 45-minute call that is most of a first reading, though most lines hold none of the words
a rule needs. `Gate` reads a compiled pattern's own syntax tree (the `re` module's parser) for
a set of strings one of which every match must contain ("resign", "last day", "stepping
down" ...), so a rule asks once per text, with plain substring tests on the lower-cased text,
whether any of its patterns could match, and skips the text when none can.

A gate only ever says "cannot match" when that is certain: the strings are derived from the
pattern, not listed by hand, so they cannot drift from it. It answers "may match" for any
text that is not ASCII (case-blind matching also pairs "ſ" with "s" and "K" with "k") and
for a pattern whose matches need no fixed string (one that may match a digit alone).
tests/unit/test_reading_gates.py holds a gated rule's facts equal to the ungated ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from re import _constants as _c  # type: ignore[attr-defined]  # the parser behind `re`
from re import _parser as _p  # type: ignore[attr-defined]
from typing import Any, cast

Strings = frozenset[str] | None  # None: no string is known to be needed
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


@lru_cache(maxsize=512)
def needed(pattern: re.Pattern[str]) -> Strings:
    """Lower-case strings one of which every match of `pattern` in an ASCII text contains
    (lower-cased), or None when there is no such set."""
    try:
        tree = _p.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a syntax this reader does not know: no gate
        return None
    return _sequence(list(tree))


def _sequence(items: list[tuple[object, object]]) -> Strings:
    """The most telling requirement of a sequence: its longest run of literal characters or
    one of its items' sets, whichever has the longest shortest string."""
    best: Strings = None
    run: list[str] = []

    def better(found: Strings) -> None:
        nonlocal best
        if found and "" not in found and (best is None or _rank(found) > _rank(best)):
            best = found

    for op, av in items:
        if op is _c.LITERAL and isinstance(av, int) and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            better(frozenset({"".join(run)}))
            run = []
        better(_item(op, av))
    if run:
        better(frozenset({"".join(run)}))
    return best


def _rank(found: frozenset[str]) -> tuple[int, int]:
    return min(map(len, found)), -len(found)


def _item(op: object, av: object) -> Strings:
    if op is _c.SUBPATTERN:
        return _sequence(list(av[-1]))  # type: ignore[index]
    if op is _c.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:  # type: ignore[index]
            found = _sequence(list(alternative))
            if not found:
                return None  # an alternative that needs nothing: the branch needs nothing
            union |= found
        return frozenset(union)
    if op in _REPEATS:
        least, _, body = cast(tuple[int, int, Any], av)
        return _sequence(list(body)) if least >= 1 else None
    return None  # a class, any character, an anchor, a look-around, a back-reference


def any_of(strings: Iterable[str]) -> re.Pattern[str]:
    """A pattern that matches, at a position, the longest of `strings` that starts there (and
    never matches when there are none). Written as a trie ("a(?:i|pprov)|b(?:ot|ypass)"), not
    as one alternative per string: `re` tries a flat alternation's strings one by one at every
    position of the text, which for the couple of hundred strings of the injection rules cost
    more than the rules it was to spare; the trie tries one character per level. Longest:
    each level tries to go on before it stops, so every other string that starts at the same
    position is a prefix of the one matched."""
    trie: dict[str, Any] = {}
    for string in strings:
        node = trie
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}  # a string ends here
    return re.compile(_trie(trie) if trie else "(?!)")


def _trie(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [re.escape(c) + _trie(node[c]) for c in sorted(node) if c]
    if not branches:
        return ""
    body = "|".join(branches)
    if ends:
        return f"(?:{body})?"
    return body if len(branches) == 1 else f"(?:{body})"


class Gate:
    """Whether a text may hold a match of any of `patterns` (see the module's docstring). The
    needed strings are looked for in one pass (`any_of`)."""

    __slots__ = ("strings", "_any")

    def __init__(self, *patterns: re.Pattern[str]) -> None:
        found: set[str] = set()
        self.strings: tuple[str, ...] | None = None
        self._any: re.Pattern[str] | None = None
        for pattern in patterns:
            strings = needed(pattern)
            if strings is None:
                return
            found |= strings
        self.strings = tuple(sorted(found, key=lambda s: (-len(s), s)))
        self._any = any_of(self.strings)

    def may_match(self, text: str) -> bool:
        if self._any is None or not text.isascii():
            return True
        return self._any.search(text.lower()) is not None


def gate(*patterns: re.Pattern[str]) -> Gate:
    """The gate of these patterns, made once (a deal's competitor pattern is made per name
    set). Looked up by the patterns' identities: hashing a compiled pattern hashes its whole
    program, which for the long title pattern cost more than the gate saves."""
    key = tuple(map(id, patterns))
    kept = _GATES.get(key)
    if (
        kept is not None and kept[0] == patterns
    ):  # the same objects (tuples compare by identity first)
        return kept[1]
    made = Gate(*patterns)
    if len(_GATES) >= 256:  # bounded: start again rather than grow
        _GATES.clear()
    _GATES[key] = (patterns, made)  # the patterns held: their ids stay theirs
    return made


_GATES: dict[tuple[int, ...], tuple[tuple[re.Pattern[str], ...], Gate]] = {}
