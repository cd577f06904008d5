"""The terms a message is compared by: stemmed words, word pairs and letter trigrams.

The TF-IDF intent classifier (intent.py) vectorises messages and its examples with `features`;
the chat matches a topic against the deal's texts with `content_stems` (agent/chat/topic.py).
Slots (ids, a methodology name, a quoted remark) are read in message_slots.py and become one
token or none here, so they do not decide the intent.
"""

from __future__ import annotations

from agent.routing.message_slots import (
    DEAL_ID,
    REP_ID,
    WORD,
    extract_objection,
    methodology_names,
)

# Only words that carry no intent at all; "what", "can", "you", "do" stay (they make "help").
_STOP_WORDS = "a an the to of on in at for and or this that it is are my me i our please"
_STOP = frozenset(_STOP_WORDS.split())


def _stem(words: list[str]) -> list[str]:
    import Stemmer

    stems: list[str] = Stemmer.Stemmer("english").stemWords(words)
    return stems


# Words that say nothing about what a topic is ("an update on the pilot": the pilot).
_TOPIC_STOP_WORDS = (
    "about re regarding update updates status latest news quick note email message follow up "
    "with from we you your they their them was were be been has have had will would"
)
_TOPIC_STOP = frozenset(_TOPIC_STOP_WORDS.split())


def content_stems(text: str) -> set[str]:
    """The stems of a text's words that carry content: a topic's words, matched against the
    deal's texts (agent/chat/topic.py) so 'pricing' meets 'price'."""
    words = [w.removesuffix("'s") for w in WORD.findall(text.lower().replace("’", "'"))]
    kept = [w for w in words if w not in _STOP and w not in _TOPIC_STOP and len(w) > 1]
    return set(_stem(kept))


def features(text: str) -> list[str]:
    """Stemmed words, adjacent-word pairs and the stems' letter trigrams (so 'prep' meets
    'prepare'). Deal and rep ids are slots, not words; a methodology name and a quoted customer
    remark each become one token, so every framework and every objection look alike."""
    text = text.replace("’", "'")
    marks = ["quotedremark"] if extract_objection(text) else []
    text = REP_ID.sub(" ", DEAL_ID.sub(" ", text.lower()))
    for pattern, _ in methodology_names():
        text = pattern.sub(" methodologyname ", text)
    words = _stem([w.removesuffix("'s") for w in WORD.findall(text) if w not in _STOP])
    pairs = [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    grams = [f"#{w[i : i + 3]}" for w in words if len(w) > 3 for i in range(len(w) - 2)]
    return words + marks + pairs + grams
