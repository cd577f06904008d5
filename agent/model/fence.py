"""Untrusted text (CRM notes, transcripts, upstream agents' output, knowledge passages) reaches a
prompt only inside data fences (see prompts/composer.md), never as instructions. Here: strip the
fence markers out of the data so it cannot close its fence, and flag text that reads like an
instruction to a model, which the response reports as `suspected_injection`.

The patterns are deliberately few and specific (a false alarm costs a warning, nothing more):
requests to ignore or override earlier instructions, role switches ("you are now", "act as"),
chat-role tags, and asks to reveal or change the prompt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FENCE_OPEN = "<<<DATA"
FENCE_CLOSE = "<<<END DATA>>>"
_MARKERS = re.compile(r"<{3,}|>{3,}")

INJECTION_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        r"\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(instructions?|prompts?|rules)\b",
        r"\byou are now\b",
        r"\bact as (an?|the)\b",
        r"\bnew instructions?\s*:",
        r"\b(system|developer) (prompt|message)\b",
        r"</?\s*(system|assistant|user)\s*>",
        r"^\s*(system|assistant)\s*:",
        r"\b(reveal|print|show)\b[^.\n]{0,30}\b(prompt|instructions)\b",
        r"\bdo not follow\b[^.\n]{0,30}\b(instructions?|rules)\b",
    )
)


def neutralise(text: str) -> str:
    """The data as it goes into a fence: runs of angle brackets that could forge a fence
    marker become single ones; everything else is kept."""
    return _MARKERS.sub(lambda m: m.group()[0], text)


MARKUP = re.compile(
    r"<\s*/?\s*[a-z!][^>]*>|!?\[[^\]]*\]\([^)]*\)|\b(?:https?|ftp|javascript|data):|\bwww\.",
    re.IGNORECASE,
)


def looks_like_markup(text: str) -> bool:
    """HTML tags, markdown links or images, or a link: nothing a person says in a call."""
    return MARKUP.search(text) is not None


def looks_like_instructions(text: str) -> bool:
    return any(p.search(text) for p in INJECTION_PATTERNS)


def suspected_injections(items: Iterable[tuple[str, str]]) -> list[str]:
    """The refs of (ref, text) items whose text reads like an instruction to a model."""
    return [ref for ref, text in items if looks_like_instructions(text)]
