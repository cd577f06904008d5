"""What a rep types to open what is behind a short answer: "more on 2" (a section of the
report, by its number in the answer's menu, an ordinal or words of its heading), "step 2" (a
step of the plan the answer showed), "the second one" (the second thing the answer listed: a
person of "who's gone quiet?", else the menu's second section), "why?" (the reasons behind
what it led with), "show the sources", "full report". The chat offers these words itself, so
they are read literally, before the intent classifier; with no report in the thread they are
ordinary messages. What the last answer showed (its steps, its list, its reasons) is kept in
the thread beside the report (`Shown`), so a follow-up means what the rep saw.

Reps wrap them in the words of a busy chat ("ok so more on the first step", "can u show me the
sources for that", "could you open section 4"): a leading filler and a trailing "for that" or
"please" are not part of the ask. Only messages that are nothing but such an ask count, so
"show me the sources of their budget" is not one (it has a topic of its own)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

from pydantic import BaseModel, Field

from agent.compose.brief import lead, menu, section

T = TypeVar("T")
NOTHING_LISTED = (
    "The last answer listed nothing to pick from: ask for “full report”, or say what you need."
)
Ask = tuple[Literal["section", "step", "item", "why", "sources", "full"], str]


class Shown(BaseModel):
    """What an answer showed, for the follow-ups that point at it."""

    steps: list[str] = Field(default_factory=list, description="The plan's steps, in order.")
    items: list[tuple[str, str]] = Field(
        default_factory=list,
        description="What it listed: (label, the report's section about it, or '').",
    )
    why: str | None = Field(default=None, description="The section behind its reasons.")
    menu: bool = Field(default=True, description="Whether it listed the report's sections.")
    person: str | None = Field(default=None, description="Who it was about: 'him', 'her'.")
    cited: list[str] = Field(
        default_factory=list, description="Its citations: markers ('3') and references."
    )


MAX_SOURCES = 12
_MARKER = re.compile(r"\[(\d+)\]")
_REF = re.compile(r"`([^`\s]+)`")
_SOURCE = re.compile(r"^\s*(\d+)\.\s+`([^`]+)`")


def cited(text: str) -> list[str]:
    """The citations an answer shows: its [n] markers and its `references`."""
    return list(dict.fromkeys([*_MARKER.findall(text), *_REF.findall(text)]))


def sources_of(part: str, shown: Shown) -> str:
    """The report's sources the answer cited (a dozen at most, the first ones when it cited
    none of them); after the full report, all of them. The rest stay one word away."""
    if not shown.cited:  # the whole report was shown: all of them
        return part
    keep = set(shown.cited)
    lines = part.splitlines()
    entries = [(line, m) for line in lines[1:] if (m := _SOURCE.match(line))]
    kept = [line for line, m in entries if m.group(1) in keep or m.group(2) in keep]
    kept = (kept or [line for line, _ in entries])[:MAX_SOURCES]
    if len(kept) == len(entries):
        return part
    rest = len(entries) - len(kept)
    return "\n".join([lines[0], *kept, f"({rest} more behind the full report: “full report”)"])


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
_ORDINAL = "|".join(_ORDINALS) + r"|\d+(?:st|nd|rd|th)|last"
_OPEN = (
    r"(?:(?:tell me |show me |give me |say )?more (?:on|about|abt|re:?)\s+|expand(?: on)?\s+|"
    r"go deeper (?:on|into)\s+|details (?:on|of|for)\s+|(?:what(?:'s| is| was)|open|show(?: me)?|"
    r"explain|what about|and)\s+)?"
)
_STEP_ASK = re.compile(
    _START + _OPEN + r"(?:the\s+)?(?:step\s*#?\s*(\d+|" + "|".join(_ORDINALS) + r")|"
    rf"({_ORDINAL})\s+step){_END}",
    re.IGNORECASE,
)
_ITEM_ASK = re.compile(
    _START + _OPEN + rf"(?:(?:the\s+)?({_ORDINAL})\s+(?:one|person|contact|item|option|name)|"
    rf"the\s+({_ORDINAL})){_END}",
    re.IGNORECASE,
)
_WHY = re.compile(
    _START + r"(?:but\s+)?(?:why(?:\s+(?:so|that|this|is that|that one|this one|now|then|do you "
    r"say (?:that|so)|that step|that action))?|how come|what makes you say (?:that|so)|"
    rf"on what basis|based on what){_END}",
    re.IGNORECASE,
)
_PART_WORDS = re.compile(r"\b(?:step|section|point|part|one|number|no\.?|#)\b", re.IGNORECASE)


def navigation(message: str) -> Ask | None:
    if _FULL.match(message):
        return "full", ""
    if _SOURCES.match(message):
        return "sources", ""
    if _WHY.match(message):
        return "why", ""
    if step := _STEP_ASK.match(message):
        return "step", _key(step.group(1) or step.group(2))
    if item := _ITEM_ASK.match(message):
        return "item", _key(item.group(1) or item.group(2))
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


def opened(report: str, ask: Ask, shown: Shown | None = None) -> str:
    """The part of the report asked for, or what there is to ask for. A step or an item is
    counted in what the last answer showed; with none shown, "the second one" is the menu's
    second section and "step 2" the same."""
    kind, key = ask
    shown = shown or Shown()
    if kind == "full":
        return report
    if kind == "step" and shown.steps:
        return _nth(shown.steps, key, "step", "The plan shown", lambda i, s: f"**Step {i}** · {s}")
    if kind == "item" and shown.items:
        return _nth(shown.items, key, "item", "The last answer listed", _item(report))
    if kind == "why":
        return _why(report, shown)
    if kind in ("step", "item") and not shown.menu:
        return NOTHING_LISTED
    part = section(report, "sources" if kind == "sources" else key)
    if part is not None and kind == "sources":
        return sources_of(part, shown)
    if part is not None:
        return part
    listed = "; ".join(f"{i} {t}" for i, t in enumerate(menu(report), start=1))
    return f"There is no section “{key}” in the last report. Its sections: {listed}."


def _nth(things: Sequence[T], key: str, word: str, what: str, show: Callable[[int, T], str]) -> str:
    count = len(things)
    index = count if key == "last" else int(key) if key.isdigit() else 0
    if 1 <= index <= count:
        return show(index, things[index - 1])
    return f"{what} has {count} {word}{'s' if count != 1 else ''}: ask for 1 to {count}."


def _item(report: str) -> Callable[[int, tuple[str, str]], str]:
    def show(index: int, item: tuple[str, str]) -> str:
        label, title = item
        return (title and section(report, title)) or f"**{index}.** {label}"

    return show


def _why(report: str, shown: Shown) -> str:
    """The reasons behind what the answer led with: the section it names, else the report's
    first section about why, else the section its brief leads with."""
    titles = menu(report)
    title = shown.why or next((t for t in titles if t.lower().startswith("why")), None)
    first = lead(report)
    title = title or (first.title if first else None)
    part = section(report, title) if title else None
    return part or "The last answer has no reasons behind it to open: ask for “full report”."
