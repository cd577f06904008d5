"""Text that may travel between deals, reps and tenants' memories: only known safe words stay.

Black-lists of names always miss someone ("łukasz", "Nguyễn", "adaeze"), so this works the other
way round: a word stays only when it is ordinary vocabulary the shipped knowledge writes in lower
case (agent/grounding/vocabulary.py), or one the caller keeps (a stage's name). Everything else
becomes "[name]", whatever its language or case. Before that, what ordinary words can still
carry is taken out: contact details, figures (digits, currencies, "120k", amounts in words), ids
(anything with a digit), and industry words, which would narrow a lesson down to one account.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from agent.grounding.vocabulary import ordinary_words

NAME = "[name]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(
    r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|co|de|pl|uk)\b"
)
_PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{6,}\d")
_CURRENCY = r"(?:[$€£¥₹]|\b(?:usd|eur|gbp|chf|pln|inr|jpy|cny|aud|cad)\b)"
_FIGURE = re.compile(
    rf"{_CURRENCY}\s?\d[\d,.]*\s?(?:k|m|bn|mm|million|billion|thousand)?\b"
    r"|\b\d[\d,.]*\s?(?:k|m|bn|mm|million|billion|thousand|grand)\b"
    rf"|\b\d[\d,.]*\s?(?:%|{_CURRENCY}|dollars?|euros?|pounds?|bucks)",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"[\w./-]*\d(?:[\w./-]|,\d)*")  # numbers, ids (D-1003), versions, dates
_NUMBER_WORDS = frozenset(
    re.findall(
        r"\w+",
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
        "eighty ninety half quarter dozen",
    )
)
# Words that make a run of number words an amount.
_MAGNITUDES = frozenset(
    re.findall(
        r"\w+",
        "hundred thousand million billion trillion grand k m bn dollars dollar euros euro "
        "pounds pound bucks",
    )
)
_NUMBER_RUN = re.compile(
    r"\b(?:" + "|".join(sorted(_NUMBER_WORDS | _MAGNITUDES, key=len, reverse=True)) + r")"
    r"(?:[\s-]+(?:and\s+)?(?:"
    + "|".join(sorted(_NUMBER_WORDS | _MAGNITUDES, key=len, reverse=True))
    + r"))*\b",
    re.IGNORECASE,
)
# Sector nouns: with one of them a lesson points at a handful of accounts.
INDUSTRY_WORDS = frozenset(
    re.findall(
        r"[\w'’]+",
        "aerospace agriculture airline airlines automotive aviation bank banking banks "
        "beverage beverages biotech brewery chemical chemicals clinic clinics construction "
        "defence defense dental distributor education energy fintech fishery food freight gas "
        "government grocery healthcare hospital hospitals hospitality housing insurance "
        "insurer insurers law logistics manufacturer manufacturing media medical mining "
        "municipal municipality oil pharma pharmaceutical pharmaceuticals port ports railway "
        "realty restaurant restaurants retail retailer school schools shipping steel telco "
        "telecom telecommunications textile tourism transport transportation university "
        "utilities utility wastewater water wholesale",
    )
)
# Everyday function words the knowledge happens not to write; none of them is anybody's name.
COMMON_WORDS = frozenset(
    re.findall(
        r"[\w'’]+",
        "a i he she him her hers his me my mine myself yourself yourselves ourselves "
        "themselves itself herself himself tomorrow yesterday tonight ok okay yes yeah won't "
        "can't",
    )
)
_CLITICS = ("'s", "’s", "'re", "’re", "'ll", "’ll", "'ve", "’ve", "'d", "’d", "n't", "n’t", "'m")
_ENDINGS = (
    ("ies", "y"),
    ("ied", "y"),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("es", ""),
    ("s", ""),
    ("ly", ""),
    ("d", ""),
    ("er", ""),
    ("ers", ""),
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_OPENERS = '.!?:"“(['
_RUNS = re.compile(r"\[name\](?:[\s,]+\[name\])+")


def known(word: str, ordinary: Collection[str]) -> bool:
    """An ordinary word, or one made of them: a clitic off ("he's"), each part of a hyphenated
    word ("re-run"), or an ordinary stem with a regular ending ("joined", "trusts")."""
    low = word.lower()
    for clitic in _CLITICS:
        low = low.removesuffix(clitic)
    if low in ordinary or low in COMMON_WORDS:
        return True
    if "-" in low:
        return all(known(part, ordinary) for part in low.split("-") if part)
    return any(
        low.endswith(end) and len(low) - len(end) >= 3 and low[: -len(end)] + add in ordinary
        for end, add in _ENDINGS
    )


def _numbers(m: re.Match[str]) -> str:
    words = re.split(r"[\s-]+", m.group().lower())
    if any(w in _MAGNITUDES for w in words):
        return "[amount]"
    return "[n]" if len([w for w in words if w != "and"]) > 1 else m.group()


def anonymise(text: str, keep: Collection[str] = (), forbid: Collection[str] = ()) -> str:
    """`text` with only safe words left. `keep` lists words that stay although they are not
    ordinary (a stage's name); `forbid` lists words that go although they are (this account's
    industry). A capitalised word stays only at a sentence start, when it is ordinary."""
    text = _EMAIL.sub("[contact]", text)
    text = _URL.sub("[contact]", text)
    text = _PHONE.sub("[contact]", text)
    text = _FIGURE.sub("[amount]", text)
    text = _DIGITS.sub("[n]", text)
    text = _NUMBER_RUN.sub(_numbers, text)
    ordinary = ordinary_words()
    banned = {w.lower() for w in forbid} | INDUSTRY_WORDS
    kept = set(keep)
    parts, last = [], 0
    for m in _WORD.finditer(text):
        word = m.group()
        if text[max(0, m.start() - 1) : m.start()] == "[":  # a marker: [name], [n], [amount]
            continue
        lower = word.lower()
        if word in kept or word == "I":
            continue
        if lower not in banned and known(word, ordinary):
            before = text[: m.start()].rstrip()
            starts = not before or before[-1] in _OPENERS
            if word == lower or starts:
                continue
        parts += [text[last : m.start()], NAME]
        last = m.end()
    return _RUNS.sub(NAME, "".join([*parts, text[last:]]))
