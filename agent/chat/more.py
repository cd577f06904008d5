"""What a rep types to open what is behind a short answer: "more on 2" (a section of the
report, by its number in the answer's menu, an ordinal or words of its heading), "show the
sources", "full report". The chat offers these words itself, so they are read literally, before
the intent classifier; with no report in the thread they are ordinary messages.

Reps wrap them in the words of a busy chat ("ok so more on the first step", "can u show me the
sources for that", "could you open section 4"): a leading filler and a trailing "for that" or
"please" are not part of the ask. Only messages that are nothing but such an ask count, so
"show me the sources of their budget" is not one (it has a topic of its own)."""

from __future__ import annotations

import re
from typing import Literal

from agent.compose.brief import menu, section

Ask = tuple[Literal["section", "sources", "full"], str]
# "ok", "so", "and", "now", "thanks" ... then "can you", "could u", "please" (any of them).
_START = (
    r"^\s*(?:(?:ok(?:ay)?|so|and|now|then|great|cool|thanks|thx|right|alright|hm+)[,.!]?\s+)*"
    r"(?:(?:can|could|would|will)\s+(?:you|u)\s+|(?:please|pls|plz)\s+)?"
)
_THAT = r"(?:\s+(?:for|behind|of|on|in)\s+(?:that|this|it|them|the answer|your answer))?"
_END = r"(?:,?\s+(?:please|pls|plz))?\s*[?.!]*\s*$"
_MORE = re.compile(
    _START + r"(?:(?:tell me |show me |give me |say )?more (?:on|about|abt|re:?)|"
    r"expand(?: on)?|go deeper (?:on|into)|details (?:on|of|for)|"
    r"open(?= (?:the )?(?:step|section|point|part|no\.?|#|number)\b| \d))\s+"
    r"(?:the\s+)?(?:step|section|point|part|no\.?|#|number)?\s*"
    rf"(.+?){_END}",
    re.IGNORECASE,
)
_SOURCES = re.compile(
    _START + r"(?:(?:show|give|list|send|what are|where are)\s+)?(?:me\s+)?(?:the\s+|your\s+)?"
    rf"(?:sources|citations|refs|references){_THAT}{_END}"
    r"|" + _START + r"where (?:did|does|do) (?:that|this|it|those|these) (?:come|came) from"
    rf"(?:[,;:]?\s*(?:sources|citations|refs|references))?{_END}",
    re.IGNORECASE,
)
_FULL = re.compile(
    _START + r"(?:show |give |send |open )?(?:me )?(?:the )?"
    r"(?:full|whole|complete|entire|long)\s+"
    rf"(?:report|version|thing|answer|analysis){_END}",
    re.IGNORECASE,
)
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_PART_WORDS = re.compile(r"\b(?:step|section|point|part|one|number|no\.?|#)\b", re.IGNORECASE)


def navigation(message: str) -> Ask | None:
    if _FULL.match(message):
        return "full", ""
    if _SOURCES.match(message):
        return "sources", ""
    found = _MORE.match(message)
    return ("section", _key(found.group(1))) if found else None


def _key(text: str) -> str:
    """ "the first step", "2nd", "#3" -> the number; anything else stays words of a heading."""
    words = _PART_WORDS.sub(" ", text.lower()).split()
    if len(words) == 1:
        word = words[0].removeprefix("#")
        if word in _ORDINALS:
            return str(_ORDINALS.index(word) + 1)
        if (digits := re.fullmatch(r"(\d+)(?:st|nd|rd|th)?", word)) is not None:
            return digits.group(1)
    return " ".join(words) or text.strip()


def opened(report: str, ask: Ask) -> str:
    """The part of the report asked for, or what there is to ask for."""
    kind, key = ask
    if kind == "full":
        return report
    part = section(report, "sources" if kind == "sources" else key)
    if part is not None:
        return part
    listed = "; ".join(f"{i} {t}" for i, t in enumerate(menu(report), start=1))
    return f"There is no section “{key}” in the last report. Its sections: {listed}."
