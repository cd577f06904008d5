"""What a rep types to open what is behind a short answer: "more on 2" (a section of the
report, by its number in the answer's menu or by words of its heading), "show the sources",
"full report". The chat offers these words itself, so they are read literally, before the
intent classifier; with no report in the thread they are ordinary messages."""

from __future__ import annotations

import re
from typing import Literal

from agent.compose.brief import menu, section

Ask = tuple[Literal["section", "sources", "full"], str]
_END = r"(?:,?\s+please|\s+pls)?\s*[?.!]*\s*$"
_MORE = re.compile(
    r"^\s*(?:(?:tell me |show me |give me |say )?more (?:on|about)|expand(?: on)?|open|"
    r"details (?:on|of))\s+(?:the\s+)?(?:step|section|point|part|no\.?|#)?\s*"
    rf"(.+?){_END}",
    re.IGNORECASE,
)
_SOURCES = re.compile(
    r"^\s*(?:show |give |list )?(?:me )?(?:the |your )?"
    rf"(?:sources|citations|refs|references){_END}",
    re.IGNORECASE,
)
_FULL = re.compile(
    r"^\s*(?:show |give |send )?(?:me )?(?:the )?(?:full|whole|complete|entire|long)\s+"
    rf"(?:report|version|thing|answer|analysis){_END}",
    re.IGNORECASE,
)


def navigation(message: str) -> Ask | None:
    if _FULL.match(message):
        return "full", ""
    if _SOURCES.match(message):
        return "sources", ""
    found = _MORE.match(message)
    return ("section", found.group(1)) if found else None


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
