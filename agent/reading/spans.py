"""Sentences of a text as (start, end) offsets, so every quote a fact carries is a verbatim slice
of the text it came from."""

from __future__ import annotations

import re
from functools import lru_cache

# A sentence ends at . ! ? or a line break, unless the full stop follows a one- or two-letter
# abbreviation or a digit (decimal numbers, "St.", "Dr.").
_END = re.compile(r"(?<!\b[A-Za-z])(?<!\b[A-Za-z]{2})(?<!\d)[.!?]+(?=\s|$)|\n+")


@lru_cache(maxsize=4096)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Cached: every reader splits the same texts, and a request reads each text many times."""
    spans, start = [], 0
    for m in _END.finditer(text):
        end = m.end() if m.group().strip() else m.start()
        if text[start:end].strip():
            spans.append(_strip(text, start, end))
        start = m.end()
    if text[start:].strip():
        spans.append(_strip(text, start, len(text)))
    return tuple(spans)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences_of(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
