"""Untrusted text (CRM notes, transcripts, upstream agents' output, knowledge passages) reaches a
prompt only inside data fences (see prompts/composer.md), never as instructions. Here: strip the
fence markers out of the data so it cannot close its fence, and flag text that reads like an
instruction to a model, which the response reports as `suspected_injection`.

The detection itself (normalisation and rules, by attack style) is agent/model/injection.py;
`looks_like_instructions` is re-exported here for the readers that check a quote before using
it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.model.injection import looks_like_instructions, suspects

__all__ = ["looks_like_instructions", "looks_like_markup", "neutralise", "suspected_injections"]

FENCE_OPEN = "<<<DATA"
FENCE_CLOSE = "<<<END DATA>>>"
_MARKERS = re.compile(r"<{3,}|>{3,}")


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


def suspected_injections(items: Iterable[tuple[str, str]]) -> list[str]:
    """The refs of (ref, text) items whose full text reads like an instruction to a model."""
    return [s.ref for s in suspects(items)]
