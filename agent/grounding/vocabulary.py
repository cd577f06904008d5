"""The agent's own words: what the grounding checker accepts in output although no input and no
cited knowledge supplied it.

The checker looks at capitalised words that do not start a sentence (a name, a company, a
product) and at numbers. Templates and the capabilities' fixed sentences put a few ordinary
words there ("Hi Owen", "Tie it to", "Largest gap: …"); those words, and only those, are listed
here. The list is explicit and short on purpose: it holds no name, no company and no number, so a
model that writes "30% faster in 45 days" or names a customer no input mentions is caught.
`tests/unit/test_grounding_vocabulary.py` keeps it that way.
"""

from __future__ import annotations

import re
from functools import cache

AGENT_WORDS: frozenset[str] = frozenset(
    (
        "Act",
        "Add",
        "Advanced",
        "Agree",
        "All",
        "Answer",
        "Ask",
        "Authority",
        "Balanced",
        "Base",
        "Baseline",
        "Best",
        "Book",
        "CFO",
        "CRM",
        "Cc",
        "Competition",
        "Confirm",
        "Defend",
        "Deliver",
        "Equip",
        "Estimate",
        "Every",
        "Focus",
        "Goal",
        "Handle",
        "Hi",
        "Hold",
        "I'd",
        "Introductions",
        "Largest",
        "Lead",
        "Likelihood",
        "Lines",
        "Longer",
        "Make",
        "Note",
        "Only",
        "Practise",
        "Prepare",
        "Prove",
        "Raise",
        "Restate",
        "Retire",
        "Scored",
        "Send",
        "Shadow",
        "Short",
        "Show",
        "Slower",
        "Solve",
        "Subject",
        "Thank",
        "Their",
        "Tie",
        "Timing",
        "Tone",
        "Unverified",
    )
)
# Words people open a sentence with in conversation that no knowledge document happens to use
# in lower case; none of them is anybody's name.
SENTENCE_OPENERS = frozenset(
    [
        "thanks",
        "thank",
        "hi",
        "hello",
        "hey",
        "yes",
        "yeah",
        "no",
        "ok",
        "okay",
        "sure",
        "great",
        "well",
        "so",
        "right",
        "look",
        "sorry",
    ]
)
_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")


@cache
def ordinary_words() -> frozenset[str]:
    """Words the shipped knowledge writes in lower case: ordinary English, never a name. A
    lesson that travels to other deals keeps a capitalised word only when it is one of these."""
    from knowledge.corpus import corpus

    words: set[str] = {w.lower() for w in AGENT_WORDS} | SENTENCE_OPENERS
    for doc in corpus().docs.values():
        for section in doc.sections:
            words.update(_WORD.findall(section.heading + " " + section.text))
    return frozenset(words)
