"""The name written next to a title: "the CFO, Henrike Sauer,", "CFO Abdul Rahman", "Siobhán
Keane (Finance Director)", "Gemma Ruiz is their CISO".

A name is read outwards from the title, word by word, and stops at the first word that cannot
be part of one: a title word, an acronym, a lower-case word, or an ordinary word ("Mark",
"Rose") that has no word beside it that can only be a name.
"""

from __future__ import annotations

import re

from agent.grounding.vocabulary import ordinary_words
from agent.reading.titles import ACRONYM

_NAME_WORD = r"[^\W\d_][\w'’.-]*"
_PARTICLE = r"(?:van|von|de|da|del|der|ní|ni|bin|binti|al|le|la|du|dos)"
_NAME = rf"(?:{_NAME_WORD})(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,2}}"


def name_near(sentence: str, start: int, end: int) -> str | None:
    """A name written next to the title: 'the CFO, Henrike Sauer,' / 'CFO Abdul Rahman' /
    'Owner (Jim)' / 'Siobhán Keane (Finance Director)' / 'Henrike Sauer, our CFO' /
    'Gemma Ruiz is their CISO'."""
    after = re.match(rf"\s*(?:,|\()?\s*(?P<n>{_NAME})", sentence[end:])
    if after and (name := _leading_name(after.group("n"))):
        return name
    # "Gemma Ruiz is their CISO", not "Helixor is the IT director's platform"
    copula = r"|\s(?:is|was)\s+" if not re.match(r"['’]s\b", sentence[end:]) else ""
    before = re.search(
        rf"(?P<n>{_NAME})\s*(?:\((?:[^(),]{{1,30}},\s*)?|,\s*(?:the|our|their|its|group)?\s*"
        rf"{copula})$",
        sentence[:start],
    )
    if before and (name := _trailing_name(before.group("n"), before.start("n") == 0)):
        return name
    return None


def _word_kind(word: str) -> str | None:
    """'name' for a capitalised word that can only be a name; 'ordinary' for one that is also
    an ordinary word ('Mark', 'Rose', 'Seller'), a name only next to a 'name' word; 'particle'
    for 'van', 'de' ...; None for anything else: a title word, an acronym, a lower-case word."""
    bare = word.rstrip(".,;:'’")
    if bare in _PARTICLES:  # lower case, as in "van der Berg"; "De Vries" starts a name
        return "particle"
    if (
        not bare
        or not bare[0].isupper()
        or ACRONYM.match(bare)
        or bare.lower() in _TITLE_WORDS
        or bare.lower() in _STOP
    ):
        return None
    return "ordinary" if bare.lower() in ordinary_words() else "name"


def _name_from(words: list[str], kinds: list[str | None]) -> list[str]:
    """The name in a run of words read outwards from the title (nearest first): it stops at
    the first word that cannot be part of a name. An ordinary word is part of it only next to
    a word that can only be a name ('Mark Jensen', 'Rita Seller'; not 'Economic Buyer')."""
    kept: list[str] = []
    for i, (word, kind) in enumerate(zip(words, kinds, strict=True)):
        if kind == "particle" and kept:
            kept.append(word)
            continue
        beside = kinds[max(i - 1, 0) : i + 2]
        if kind == "name" or (kind == "ordinary" and "name" in beside):
            kept.append(word.rstrip(".,;:"))
            continue
        break
    while kept and kept[-1].lower() in _PARTICLES:
        kept.pop()
    return kept


def _leading_name(text: str) -> str | None:
    words = text.split()
    found = _name_from(words, [_word_kind(w) for w in words])
    return " ".join(found) if found else None


def _trailing_name(text: str, starts_sentence: bool = False) -> str | None:
    """A name that ends where the title starts; the sentence's first word, capitalised only
    because it starts the sentence, is no name unless it can only be one ('Met Priya Nair')."""
    words = text.split()
    kinds = [_word_kind(w) for w in words]
    if starts_sentence and kinds and kinds[0] == "ordinary":
        kinds[0] = None
    found = _name_from(words[::-1], kinds[::-1])
    return " ".join(found[::-1]) if found else None


_PARTICLES = frozenset(
    (
        "van",
        "von",
        "de",
        "da",
        "del",
        "der",
        "ní",
        "ni",
        "bin",
        "binti",
        "al",
        "le",
        "la",
        "du",
        "dos",
    )
)
_STOP = frozenset(
    (
        "the",
        "our",
        "their",
        "its",
        "his",
        "her",
        "a",
        "an",
        "and",
        "or",
        "but",
        "who",
        "which",
        "that",
        "this",
        "we",
        "they",
        "she",
        "he",
        "it",
        "i",
        "after",
        "before",
        "when",
        "if",
        "so",
        "then",
        "also",
        "has",
        "have",
        "had",
        "is",
        "was",
        "will",
        "would",
        "said",
        "says",
        "told",
        "asked",
        "approves",
        "signs",
        "sign",
        "confirmed",
        "mentioned",
        "meeting",
        "call",
        "with",
        # the day a note is about, capitalised only because it starts the sentence
        "yesterday",
        "today",
        "tomorrow",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    )
)
_TITLE_WORDS = frozenset(
    (
        "chief",
        "officer",
        "director",
        "head",
        "manager",
        "lead",
        "vp",
        "svp",
        "evp",
        "president",
        "owner",
        "founder",
        "operations",
        "finance",
        "procurement",
        "legal",
        "security",
        "it",
        "sales",
        "marketing",
        "group",
        "deputy",
        "managing",
        "general",
        "executive",
        "senior",
        "junior",
        "interim",
        "acting",
        "board",
        "committee",
        "team",
        "department",
        "controller",
        "counsel",
        "architect",
    )
)
