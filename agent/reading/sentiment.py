"""Shifts in how a customer feels about the deal, as the free text says them: cooling
("lukewarm", "went quiet") or warming ("keen", "won over"), and whose feeling it is.

Rules a coach can read: the first feeling word in a sentence decides, a negated one counts as
the opposite, and frustration with the status quo is the pain we solve, not a cooling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agent.contracts.deal import Deal
from agent.contracts.facts import Fact
from agent.gates import gate
from agent.reading.contacts import people_in
from agent.reading.spans import sentence_spans

_COOLING = re.compile(
    r"\b(?:lukewarm|cooled|cooling|frustrated|lost interest|less engaged|sceptical|skeptical|"
    r"unhappy|annoyed|disappointed|pushed back hard|has gone quiet|went quiet)\b",
    re.I,
)
_WARMING = re.compile(
    r"\b(?:enthusiastic|excited|keen|strong(?:ly)? support(?:s|ive|er)?|champions? (?:it|this|us)|"
    r"(?:big|strong|real|vocal) (?:supporter|advocate|fan)|bought in|won over|warmed)\b",
    re.I,
)
# "not keen", "no longer sceptical": the words say the opposite of the feeling they name.
_NEGATED = re.compile(
    r"\b(?:not|never|no longer|hardly|less|(?:is|was|are|were|does|did)n'?t)\s+(?:\w+\s+)?$", re.I
)
# Frustration with the status quo is the pain we solve, not a cooling towards us.
_AT_STATUS_QUO = re.compile(
    r"^\s+(?:with|by|about|at|over)\s+(?:the\s+|their\s+|his\s+|her\s+|its\s+)?"
    r"(?:current|existing|old|legacy|incumbent|present|manual|spreadsheet)",
    re.I,
)


_FEELING = gate(_COOLING, _WARMING)


def _direction(sentence: str) -> str | None:
    """'cooling' or 'warming', the first feeling word decides; a negated one counts as the
    opposite ('not keen' cools, 'no longer sceptical' warms)."""
    found = sorted(
        [(m, "cooling") for m in _COOLING.finditer(sentence)]
        + [(m, "warming") for m in _WARMING.finditer(sentence)],
        key=lambda pair: pair[0].start(),
    )
    for m, direction in found:
        if direction == "cooling" and _AT_STATUS_QUO.match(sentence[m.end() :]):
            continue
        if _NEGATED.search(sentence[: m.start()]):
            return "warming" if direction == "cooling" else "cooling"
        return direction
    return None


def read_sentiment(ref: str, text: str, deal: Deal) -> Iterator[Fact]:
    if not _FEELING.may_match(text):
        return
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        direction = _direction(sentence)
        if direction is None:
            continue
        people = people_in(sentence, deal)
        yield Fact(
            kind="sentiment",
            ref=ref,
            quote=sentence,
            contact_id=people[0] if people else None,
            direction=direction,  # type: ignore[arg-type]
        )
