"""How the readers spell a pattern: a word list as whole words (any_words, any_of), and a
pattern compiled the first time it is used (on_first_use), so that a process that never reads
talk does not pay for compiling the talk tables.

The tables themselves live by what they recognise: objection_phrases.py (objections, their
topics, competitor names), talk_cues.py (live cues, replies, sentences and questions) and
vendor_mentions.py (vendors a customer says are in play); talk_tables.py compiles them all.
Every rule is a plain regular expression a coach can read and argue with; no model, no weights.
Every exported pattern is case-insensitive.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _OnFirstUse:
    """A pattern compiled the first time it is used. Why: the talk tables (calls, live
    assist, objections: talk_tables.py) take about 50 ms to compile, paid at the start of every
    process that imports them, such as a next best action that never reads a call. Its source
    (`.pattern`) is there at once; the first other use compiles it and binds the compiled
    pattern's methods to it, so later calls cost what a compiled pattern's do."""

    _BOUND = "search match fullmatch finditer findall sub subn split flags groups groupindex"

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags
        _DEFERRED.append(self)

    def _compile(self) -> re.Pattern[str]:
        compiled = re.compile(self.pattern, self._flags)
        for attribute in self._BOUND.split():
            setattr(self, attribute, getattr(compiled, attribute))
        return compiled

    def __getattr__(self, name: str) -> Any:  # only for what is not bound yet
        return getattr(self._compile(), name)


_DEFERRED: list[_OnFirstUse] = []


def compile_deferred() -> None:
    """Compile every pattern made with `on_first_use` so far (talk_tables.py imports every
    table first, so a live session compiles them all before the call)."""
    for deferred in _DEFERRED:
        if "search" not in vars(deferred):
            deferred._compile()


def on_first_use(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Typed as what it stands in for: callers use its methods and `.pattern`, never pass it to
    `re` functions or test it with isinstance (tests/unit/test_patterns_deferred.py)."""
    return cast("re.Pattern[str]", _OnFirstUse(pattern, flags))


def any_words(body: str) -> re.Pattern[str]:
    """`a|b|c` as whole words, case-insensitive: the one way the readers spell a word list."""
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


def any_of(alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern: `a|b|c` as whole words. The leading look-ahead lets `re`
    reject most positions before trying every alternative: about twice as fast."""
    return on_first_use(r"\b(?=\w)(?:" + alternatives + r")\b", re.IGNORECASE)


NT = r"(?:n'?t|n’t| not)"  # don't, dont, don’t, do not
