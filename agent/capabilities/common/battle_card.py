"""A competitor's battle card as the coach may quote it (Card: its lines by section, vetted,
and its age), and where a competitor's card is found: the competitive agent's for this deal,
or the knowledge base's (`knowledge/battle_cards/`).

Every capability that speaks of a competitor asks the same questions (is there a card, which
one), so the lookup lives once here, below the vetting (card_vetting.py) and the views built
from it (competition.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from agent.capabilities.common.competitor_claims import same_competitor
from agent.contracts.context import DealContext
from agent.contracts.upstream import BattleCard
from knowledge.documents import Document
from knowledge.sections import flag_token

Section = Literal["strengths", "weaknesses", "landmines", "traps", "talking_points"]
SECTIONS: tuple[Section, ...] = ("strengths", "weaknesses", "landmines", "traps", "talking_points")
POINTS: Section = "talking_points"
KB_ANCHORS: dict[Section, str] = {
    "strengths": "strengths",
    "weaknesses": "weaknesses",
    "landmines": "landmines-to-lay",
    "traps": "traps-they-set",
    "talking_points": "talking-points",
}


@dataclass(frozen=True)
class Card:
    """One competitor's battle card as the coach may quote it: lines vetted, age judged."""

    competitor: str
    origin: Literal["competitive_agent", "knowledge_base"]
    ref: str  # `competitive.battle_cards[i]` or the knowledge document's id
    lines: Mapping[Section, tuple[str, ...]]
    refs: Mapping[Section, str]
    line_refs: Mapping[Section, tuple[str, ...]] = field(default_factory=dict)  # per kept line
    verified: dt.date | None = None
    verified_text: str | None = None  # the date as its source writes it ("March 2024")
    stale: bool = False
    left_out: tuple[str, ...] = ()  # refs of lines left out for an unsourced figure
    cautions: tuple[str, ...] = ()

    def items(self, section: Section, limit: int = 3) -> list[str]:
        return list(self.lines.get(section, ()))[:limit]

    def lead(self) -> list[str]:
        """The lines to lead with: the deal's own card with a weakness, then its talking
        points; the library's with its talking points."""
        first = self.items("weaknesses", 1) if self.origin == "competitive_agent" else []
        return [*first, *self.items(POINTS, 2)]

    def cite_lead(self) -> list[str]:
        if self.origin == "competitive_agent":
            return self.cite("weaknesses", POINTS)
        return self.cite(POINTS)

    @property
    def described(self) -> str:
        """Which card it is, in words: whose, and when it was last verified."""
        whose = (
            "the competitive agent's battle card"
            if self.origin == "competitive_agent"
            else f"the knowledge base's battle card ({self.ref})"
        )
        return whose + (f", last verified {self.verified_text}" if self.verified_text else "")

    def cite(self, *sections: Section) -> list[str]:
        """The citations for the sections quoted: the whole card for a competitive agent's,
        unless lines were left out; then the lines used, so no excerpt repeats them."""
        if self.left_out and self.origin == "competitive_agent":
            return [r for s in sections for r in self.line_refs.get(s, ())]
        return list(dict.fromkeys(self.refs[s] for s in sections if s in self.refs))


def kb_card(name: str, knowledge: Mapping[str, Document]) -> Document | None:
    """The knowledge base's battle card for a competitor (files list it; the index flags it)."""
    flag = f"competitors__{flag_token(name)}"
    for doc in knowledge.values():
        if doc.meta.get("type") != "battle_card":
            continue
        listed = doc.meta.get("competitors", [])
        if any(same_competitor(c, name) for c in listed) or flag in doc.meta.get("flags", ()):
            return doc
    return None


def agent_card(name: str, ctx: DealContext) -> tuple[int, BattleCard] | None:
    cards = ctx.competitive.battle_cards if ctx.competitive else []
    return next(((i, c) for i, c in enumerate(cards) if same_competitor(c.competitor, name)), None)


def has_card(name: str, ctx: DealContext, knowledge: Mapping[str, Document]) -> bool:
    return agent_card(name, ctx) is not None or kb_card(name, knowledge) is not None
