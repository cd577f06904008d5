"""Customer stories and the account's industry: a story from another industry is still useful
(the same process, the same systems), but only when it says so. A rep who calls a logistics
customer "a reference in your industry" to a port operator loses the room when it comes out.

Industries are free text on both sides ("Utilities - water and wastewater", "Port logistics -
container terminal services"), so they are compared by their sector: the first word of the part
before any " - " or "(" qualifier. "Logistics & freight" and "Logistics & freight - same-day
courier" share a sector; "Port logistics" and "Logistics & freight" do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from knowledge.documents import Document


def sector(industry: str) -> str:
    """The industry's sector word, lower case ('' when there is none)."""
    head = re.split(r"\s+-\s+|\(", industry, maxsplit=1)[0]
    words = re.findall(r"[a-z0-9]+", head.lower())
    return words[0] if words else ""


def same_industry(a: str, b: str) -> bool:
    return bool(sector(a)) and sector(a) == sector(b)


def story_industry(story: Document) -> str:
    return str(story.meta.get("industry") or "")


def industry_note(story: Document, industry: str) -> str:
    """' (another industry: X)' for a story from outside the account's industry, else ''."""
    theirs = story_industry(story)
    if not theirs or not industry or same_industry(theirs, industry):
        return ""
    return f" (another industry: {theirs})"


def none_in_industry(knowledge: Mapping[str, Document], industry: str) -> str | None:
    """The honest sentence when no customer story in the library is from the account's
    industry, so the rep offers process-level analogues as such; None when one is."""
    stories: Iterable[Document] = (
        d for d in knowledge.values() if d.meta.get("type") == "proof_point"
    )
    if not industry or any(same_industry(story_industry(d), industry) for d in stories):
        return None
    return (
        f"No customer story in the knowledge base is from their industry ({industry}): offer "
        "the closest by process or systems, say which industry each is from, and do not "
        "present any as a peer in their industry"
    )
