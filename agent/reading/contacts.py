"""Which of the deal's contacts a sentence names: a full name, or a first or last name alone.

Meetings, sentiment, departures, progress and the verification of a model's facts all tie a
sentence to its people the same way, so the matching lives once here.
"""

from __future__ import annotations

import re

from agent.contracts.deal import Deal


def people_in(sentence: str, deal: Deal) -> list[str]:
    """Contact ids the sentence names (a full name, or a first or last name alone)."""
    found = []
    for c in deal.contacts:
        parts = [c.name, *c.name.split()]
        if any(  # a name not in the sentence at all needs no word-boundary search
            len(p) > 2 and p in sentence and re.search(rf"\b{re.escape(p)}\b", sentence)
            for p in parts
        ):
            found.append(c.id)
    return found
