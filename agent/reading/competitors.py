"""Which competitors a conversation may name: data from the deal and the knowledge base, never a
list in code.

A seller's market changes faster than a release, and every company using the coach competes
against different vendors, so the names come from three places, in this order:

1. the deal's own `deal.competitors` (what the CRM says this deal is up against);
2. the competitive agent's battle cards for the deal (`competitive.battle_cards[].competitor`);
3. every battle card in the run's knowledge folders (`competitors:` front matter), so a team that
   adds `bc-<rival>.md` to its own folder (COACH_KNOWLEDGE_DIRS) has that rival recognised in
   calls without a code change. A card may also list `aliases:`, other ways people say the
   competitor ("build it ourselves" for the in-house build card); a mention through an alias
   counts as a mention of the card's competitor.

Names are matched as whole words, case-insensitively (objection_phrases.competitor_pattern);
the first spelling listed wins, so "acme" on a deal and "Acme" on a card are one competitor.

People shorten a vendor's name: the CRM says "Quorra Automate", the rep types "Quorra". A name
of several words also stands for its first word (short_name) when that word is distinctive: a
capitalised word of at least four letters, no other competitor's first word, not a name or
alias itself, and not a generic word products are named with ("Power", "Cloud", "Smart"); it
is matched only as written, capital included ("Kaizen" may be Kaizen Loop, "kaizen" is a word).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from agent.contracts.context import DealContext
from agent.reading.objection_phrases import Proper, competitor_pattern
from knowledge.corpus import KNOWLEDGE_ROOT, corpus
from knowledge.documents import Document

# First words too common in ordinary talk (or in product names) to stand for one vendor.
# fmt: off
GENERIC_FIRST_WORDS = frozenset({
    "about", "above", "agile", "american", "auto", "best", "better", "business", "central",
    "city", "clear", "cloud", "connect", "core", "data", "digital", "easy", "enterprise", "field",
    "first", "flow", "free", "general", "global", "good", "great", "group", "high", "home",
    "just", "large", "lean", "live", "master", "modern", "national", "next", "north", "office",
    "open", "people", "plan", "power", "prime", "pro", "project", "quick", "real", "sales",
    "same", "service", "simple", "smart", "social", "south", "star", "team", "total", "true",
    "united", "unity", "west", "work", "world", "your",
})
# fmt: on
_SHORTENS = re.compile(r"[A-Z][A-Za-z]{3,}")


def short_name(name: str) -> Proper | None:
    """The first word of a name of several words, when it may stand for the whole name on its
    own ("Quorra" for "Quorra Automate"), matched only capitalised as written ("kaizen" is a
    word, "Kaizen" may be Kaizen Loop); None when it may not (see the module docstring)."""
    words = name.split()
    if len(words) < 2 or not _SHORTENS.fullmatch(words[0]):
        return None
    return None if words[0].lower() in GENERIC_FIRST_WORDS else Proper(words[0])


@dataclass(frozen=True)
class Competitors:
    """Competitor names (canonical spellings, first listed first) and the aliases that stand
    for them. Immutable and cheap to build; the regular expressions are cached by their words."""

    names: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # (how it may be said, the competitor's name)
    _canonical: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        canonical = {n.lower(): n for n in reversed(self.names)}
        for alias, name in self.aliases:
            canonical.setdefault(alias.lower(), canonical.get(name.lower(), name))
        object.__setattr__(self, "_canonical", canonical)

    @classmethod
    def of(cls, *groups: Iterable[str], aliases: Iterable[tuple[str, str]] = ()) -> Competitors:
        """The names of every group in order, blanks dropped, each competitor once (the
        first spelling wins); aliases of a name not listed are ignored. A name's short form
        (short_name) is an alias after the listed ones, when no other name shares it."""
        names: dict[str, str] = {}
        for group in groups:
            for raw in group:
                name = raw.strip()
                if name:
                    names.setdefault(name.lower(), name)
        kept: dict[str, tuple[str, str]] = {}
        for alias, name in aliases:
            said = Proper(alias.strip()) if isinstance(alias, Proper) else alias.strip()
            if said and name.strip().lower() in names and said.lower() not in names:
                kept.setdefault(said.lower(), (said, names[name.strip().lower()]))
        shorts = {n: short for n in names.values() if (short := short_name(n))}
        firsts = Counter(n.split()[0].lower() for n in names.values())
        for name, short in shorts.items():
            if firsts[short.lower()] == 1 and short.lower() not in names:
                kept.setdefault(short.lower(), (short, name))
        return cls(tuple(names.values()), tuple(kept.values()))

    def __add__(self, other: Competitors) -> Competitors:
        """Both, this one's first: a deal's own spelling wins over a card's."""
        return Competitors.of(self.names, other.names, aliases=[*self.aliases, *other.aliases])

    @property
    def phrases(self) -> tuple[str, ...]:
        """Everything that counts as naming a competitor: the names, then the aliases."""
        return (*self.names, *(alias for alias, _ in self.aliases))

    @property
    def pattern(self) -> re.Pattern[str]:
        """Any name or alias, whole words, case-insensitive."""
        return competitor_pattern(self.phrases)

    def pattern_for(self, name: str) -> re.Pattern[str]:
        """One competitor's name and its aliases."""
        said = [alias for alias, canonical in self.aliases if canonical == name]
        return competitor_pattern([name, *said])

    def name_of(self, said: str) -> str:
        """The competitor a matched phrase stands for (its canonical spelling)."""
        return self._canonical.get(said.lower(), said)


def battle_card_competitors(documents: Iterable[Document]) -> Competitors:
    """Every battle card's competitor and aliases among these knowledge documents, in order."""
    cards = [d for d in documents if d.meta.get("type") == "battle_card"]
    names = [str(n) for card in cards for n in card.meta.get("competitors", [])]
    aliases = [
        (str(alias), str(name))
        for card in cards
        for name in card.meta.get("competitors", [])[:1]
        for alias in card.meta.get("aliases", [])
    ]
    return Competitors.of(names, aliases=aliases)


@cache
def knowledge_competitors(folders: tuple[Path, ...] = (KNOWLEDGE_ROOT,)) -> Competitors:
    """The battle cards' competitors in these knowledge folders. Cached per folder set, like the
    corpus it reads: knowledge changes with ingests and releases, not per call."""
    return battle_card_competitors(corpus(folders).docs.values())


def deal_competitors(ctx: DealContext, known: Competitors) -> Competitors:
    """Who this deal's conversations may name: the deal's competitors, the competitive agent's,
    then those the knowledge base knows (`known`; see the module docstring)."""
    intel = ctx.competitive.battle_cards if ctx.competitive else []
    return Competitors.of(ctx.deal.competitors, (c.competitor for c in intel)) + known
