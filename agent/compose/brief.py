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


class Section(BaseModel):
    level: int
    title: str
    lines: list[str]

    @property
    def markdown(self) -> str:
        return "\n".join([f"{'#' * self.level} {self.title}", *self.lines]).strip()


def _sections(markdown: str) -> tuple[str, list[str], list[Section]]:
    """(the H1 title, the lines before the first section, the sections in order)."""
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
    # What to say: the first quoted sentence of the advice itself, never of the record.
    said = next((q for line in steps + reasons if (q := _QUOTE.search(line))), None)
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


CHAT_HINT = 'type "more on 2", "show the sources" or "full report"'


def brief(markdown: str, subject: str = "", hint: str = CHAT_HINT, asked: str = "") -> str:
    """At most eight lines: subject, the first section's heading, its first step and reasons,
    a sentence to say, and the menu. `subject` (a deal or rep id) follows the report's name;
    `hint` says how to open the rest (in the chat, or on the command line); `asked` is the
    title of the section the rep's question is about ("who is my champion?": the champion's
    plan), which then leads instead of the first."""
    title, intro, sections = _sections(markdown)
    about = next((line for line in intro if line.strip()), "")
    head = title.split(":")[0] + (f" · {subject}" if subject else "")
    lines = [shorten(f"**{head}** · {about}" if about else f"**{head}**", WIDTH)]
    readable = [s for s in sections if s.title.lower() != SOURCES]
    chosen = [s for s in readable if asked and s.title == asked][:1]
    for first in chosen or readable[:3]:
        lead = _lead(first, sections, asked=bool(chosen))
        if lead:  # a section that is only a table leads nowhere: the next one does
            lines += lead
            break
    behind = menu(markdown)
    if behind:
        listed = " · ".join(f"{i} {t}" for i, t in enumerate(behind[:9], start=1))
        more = "…" if len(behind) > 9 else ""
        lines.append(shorten(f"More: {listed}{more}", 400) + f" — {hint}.")
    return "  \n".join(lines[:MAX_LINES])  # hard breaks: one line each, rendered or not
