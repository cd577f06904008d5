"""The brief view of an answer: what a rep reads first, in eight lines at most.

A capability's report runs to a hundred lines or more; a rep between calls reads the first few.
The brief takes them from the rendered report, so every capability gets one and no second
template can drift from the first: the subject line, the report's first section (its heading
is the action, or the first thing to know), its first step and first reasons, one sentence to
say when the report quotes one, and a menu of the sections behind it. The full report stays
one word away ("full report"); a section ("more on 2") and the sources ("show the sources")
are cut from the same markdown by `section`.

Citation markers ([3]) stay in the lines they belong to: the sources section resolves them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel

from agent.formatting import shorten

MAX_LINES = 8
WIDTH = 220
SOURCES = "sources"
_HEADING = re.compile(r"^(#{1,4})\s+(.*\S)\s*$")
_BULLET = re.compile(r"^\s*[-*]\s+(.*\S)")
_STEP = re.compile(r"^\s*\d+[.)]\s+(.*\S)")
_QUOTE = re.compile(r"“([^”“]{15,})”|\"([^\"]{15,})\"")
_NUMBERED = re.compile(r"^\d+$")
# Words before a quote that make it what not to say.
_WARNED = re.compile(
    r"\b(?:not|never|avoid(?:ing)?|instead of|rather than|don'?t say|no)\s+(?:an?\s+|the\s+)?"
    r"[“\"]?$",
    re.IGNORECASE,
)


class Section(BaseModel):
    level: int
    title: str
    lines: list[str]

    @property
    def markdown(self) -> str:
        return "\n".join([f"{'#' * self.level} {self.title}", *self.lines]).strip()


@lru_cache(maxsize=16)
def _sections(markdown: str) -> tuple[str, list[str], list[Section]]:
    """(the H1 title, the lines before the first section, the sections in order). Parsed once
    per report: a chat turn reads the same report for its brief, its steps and its offers.
    Read only."""
    title, intro, sections = "", [], []
    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) == 1 and not title:
            title = heading.group(2)
        elif heading:
            sections.append(Section(level=len(heading.group(1)), title=heading.group(2), lines=[]))
        elif sections:
            sections[-1].lines.append(line)
        else:
            intro.append(line)
    return title, intro, sections


def menu(markdown: str) -> list[str]:
    """The sections behind the brief, in order; `more on N` opens the Nth."""
    return [s.title for s in _sections(markdown)[2] if s.title.lower() != SOURCES]


def section(markdown: str, key: str) -> str | None:
    """The section a rep asked for: its number in the menu, or words of its heading
    ("sources", "what to do"). With its subsections; None when nothing matches."""
    _, _, sections = _sections(markdown)
    key = key.strip().lower()
    listed = [s for s in sections if s.title.lower() != SOURCES]
    if _NUMBERED.match(key):
        index = int(key) - 1
        chosen = listed[index] if 0 <= index < len(listed) else None
    else:
        chosen = next((s for s in sections if key in s.title.lower()), None)
    if chosen is None:
        return None
    return "\n\n".join(s.markdown for s in _block(chosen, sections))


def _block(first: Section, sections: list[Section]) -> list[Section]:
    """A section with its subsections."""
    block = [first]
    for later in sections[sections.index(first) + 1 :]:
        if later.level <= first.level:
            break
        block.append(later)
    return block


def _lead(first: Section, sections: list[Section], asked: bool = False) -> list[str]:
    """The section's heading, its first step and first reasons, and a sentence to say: empty
    when it has none of them (a table). A section the rep `asked` about also keeps its opening
    line (a person's engagement, above their bullets): that line is the answer."""
    body = [
        line
        for s in _block(first, sections)
        for line in s.lines
        if line.strip() and not line.lstrip().startswith("|")
    ]
    steps = [m.group(1) for line in body if (m := _STEP.match(line))]
    reasons = [m.group(1) for line in body if (m := _BULLET.match(line))]
    plain = bool(body) and not (_STEP.match(body[0]) or _BULLET.match(body[0]))
    opening = body[:1] if asked and plain else []
    # What to say: the first quoted sentence of the advice itself, never of the record, nor
    # one the advice warns against ('not a "just checking in"').
    said = next(
        (
            q
            for line in steps + reasons
            for q in _QUOTE.finditer(line)
            if not _WARNED.search(line[: q.start()][-40:])
        ),
        None,
    )
    quote = (said.group(1) or said.group(2)) if said else None
    do = steps[0] if steps else None
    if do and quote and quote in do:
        do = do[: do.index(quote)].rstrip(' “"').rstrip(":") or None
    picked = ([f"Do: {do}"] if do else []) + [r for r in reasons if not (quote and quote in r)]
    lines = [shorten(p, WIDTH) for p in (opening + picked[: 3 - len(opening)] or body[:2])]
    if not lines and not quote:
        return []
    say = [shorten(f"Say: “{quote}”", WIDTH)] if quote else []
    return [f"**{first.title}**", *lines, *say]


def lead(markdown: str, asked: str = "") -> Section | None:
    """The section the brief leads with: the one asked about, else the first of the first
    three that has something to lead with (a table alone has not)."""
    _, _, sections = _sections(markdown)
    readable = [s for s in sections if s.title.lower() != SOURCES]
    chosen = [s for s in readable if asked and s.title == asked][:1]
    return next((s for s in chosen or readable[:3] if _lead(s, sections, asked=bool(chosen))), None)


def steps(markdown: str, asked: str = "") -> list[str]:
    """The numbered steps of the section the brief leads with (its subsections too), whole:
    "step 2" is the second of these, the plan the rep was shown."""
    first = lead(markdown, asked)
    if first is None:
        return []
    _, _, sections = _sections(markdown)
    return [
        " ".join(m.group(1).split())
        for s in _block(first, sections)
        for line in s.lines
        if (m := _STEP.match(line))
    ]


def chat_hint(markdown: str, asked: str = "") -> str:
    """What the chat offers to open, from what this report has: a step of the plan shown, a
    section by its number, the sources, the full report."""
    offers = []
    if len(steps(markdown, asked)) >= 2:
        offers.append('"step 2"')
    if len(menu(markdown)) >= 2:
        offers.append('"more on 2"')
    if any(s.title.lower() == SOURCES for s in _sections(markdown)[2]):
        offers.append('"show the sources"')
    offers.append('"full report"')
    if len(offers) == 1:
        return f"type {offers[0]}"
    return "type " + ", ".join(offers[:-1]) + f" or {offers[-1]}"


def brief(markdown: str, subject: str = "", hint: str | None = None, asked: str = "") -> str:
    """At most eight lines: subject, the first section's heading, its first step and reasons,
    a sentence to say, and the menu. `subject` (a deal or rep id) follows the report's name;
    `hint` says how to open the rest (in the chat, or on the command line); `asked` is the
    title of the section the rep's question is about ("who is my champion?": the champion's
    plan), which then leads instead of the first. Without a `hint`, the chat's offers of
    what this report has (`chat_hint`)."""
    title, intro, sections = _sections(markdown)
    about = next((line for line in intro if line.strip()), "")
    head = title.split(":")[0] + (f" · {subject}" if subject else "")
    lines = [shorten(f"**{head}** · {about}" if about else f"**{head}**", WIDTH)]
    first = lead(markdown, asked)
    if first is not None:
        lines += _lead(first, sections, asked=bool(asked) and first.title == asked)
    behind = menu(markdown)
    if behind:
        listed = " · ".join(f"{i} {t}" for i, t in enumerate(behind[:9], start=1))
        more = "…" if len(behind) > 9 else ""
        offer = hint if hint is not None else chat_hint(markdown, asked)
        lines.append(shorten(f"More: {listed}{more}", 400) + f" — {offer}.")
    return "  \n".join(lines[:MAX_LINES])  # hard breaks: one line each, rendered or not
