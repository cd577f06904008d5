"""The titles and departments a buyer is written with ("CFO", "head of procurement", "general
counsel", "Purchasing"), and the buying role each implies.

One lexicon, so the person rules (people.py), the contact matching (contacts.py) and the
name reading (names.py) agree on what a title is; a title implies a role ("economic buyer",
"technical evaluator" ...) and whether its holder may own the budget.
"""

from __future__ import annotations

import re

from agent.contracts.deal import DmuRole

# A department or an unnamed person in it: someone to engage only when the text says they did
# something for the deal ("Purchasing sent us the supplier form", "someone from procurement
# asked for our insurance certificate"); "the procurement process takes six weeks" is no one.
_DEPARTMENT = (
    r"(?:someone|somebody|a (?:person|colleague|guy|lady|woman|man)) (?:from|in) "
    r"(?:procurement|purchasing|sourcing|Einkauf)|"
    r"(?:procurement|purchasing|sourcing|Einkauf)(?: (?:team|department|dept|colleague|person|"
    r"guy|lady|contact|people))?"
)
# (pattern, implied role, finance-or-executive: may own the budget)
_TITLES: list[tuple[str, DmuRole, bool]] = [
    (
        r"CFO|chief financial officer|finance director|director of finance|head of finance|"
        r"VP(?:,)? finance|vice president(?:,)? finance|financial controller|group controller|"
        r"treasurer",
        "economic_buyer",
        True,
    ),
    (
        r"CEO|chief executive(?: officer)?|managing director|general manager|MD|"
        r"owner|founder|co-founder|president|COO|chief operating officer|"
        r"(?:deputy )?(?:managing|executive|general) director|plant director|plant manager|"
        r"site (?:director|manager)|works manager|Werksleiter(?:in)?|Gesch[äa]ftsf[üu]hrer(?:in)?|"
        r"chairman|chair of the board",
        "economic_buyer",
        True,
    ),
    (
        r"CISO|chief information security officer|"
        r"(?:head|director) of (?:IT |information )?security|security officer|"
        r"data protection officer|DPO|infosec lead|security architect",
        "technical_evaluator",
        False,
    ),
    (
        r"CIO|CTO|chief (?:information|technology|digital) officer|head of IT|IT director|"
        r"director of IT|enterprise architect",
        "technical_evaluator",
        False,
    ),
    (
        r"general counsel|legal counsel|head of legal|legal director|in-house lawyer|"
        r"company secretary",
        "legal",
        False,
    ),
    (
        r"(?:head|director|manager|lead|officer) of (?:procurement|purchasing|sourcing|"
        r"Einkauf)|procurement (?:manager|lead|officer|director|advisor|specialist)|"
        r"purchasing (?:manager|director|lead|officer)|category (?:manager|buyer|lead)|"
        r"strategic sourcing lead|(?:senior|lead|strategic|indirect|principal|commodity|"
        r"procurement|purchasing|IT) buyer|purchaser|Eink[äa]ufer(?:in)?|Einkaufsleiter(?:in)?|"
        + _DEPARTMENT,
        "procurement",
        False,
    ),
    (
        r"CRO|CMO|CHRO|CPO|chief (?:revenue|marketing|people|human resources|product) officer|"
        r"VP(?:,)? \w+|vice president(?: of)? \w+|(?:head|director) of \w+(?: \w+)?",
        "influencer",
        False,
    ),
]
TITLE = re.compile(
    r"\b(?:(?P<det>the|our|my|their|its|his|her|group|company|new|interim|acting)\s+)?"
    r"(?P<title>" + "|".join(f"(?:{t})" for t, _, _ in _TITLES) + r")\b",
    re.IGNORECASE,
)
# A word every title above holds, lower-cased: an ASCII sentence without any of them holds no
# title, so the long pattern above is not tried at each of its words (a call's thousand
# sentences). Not for other text: case-blind matching also pairs "ſ" with "s" and "K" with "k".
_IN_EVERY_TITLE = (
    *("cfo", "ceo", "md", "coo", "ciso", "dpo", "cio", "cto", "cro", "cmo", "chro", "cpo", "vp"),
    *("chief", "financ", "controller", "treasurer", "director", "manager", "owner", "founder"),
    *("president", "chair", "security", "officer", "infosec", "head", "architect", "counsel"),
    *("plant", "site", "works", "werksleit", "gesch"),
    *("lawyer", "secretary", "procurement", "purchasing", "sourcing", "eink", "category"),
    *("buyer", "purchaser"),
)


def may_hold_title(sentence: str) -> bool:
    """False only when `sentence` cannot hold a title (TITLE cannot match)."""
    if not sentence.isascii():
        return True
    low = sentence.lower()
    return any(word in low for word in _IN_EVERY_TITLE)


ACRONYM = re.compile(r"^[A-Z]{2,5}$")


def kind_of(text: str) -> int | None:
    """Which entry of the lexicon the first title in `text` belongs to, or None when it holds
    none: "CFO" and "Chief Financial Officer" are one kind, "COO" another."""
    found = TITLE.search(text) if may_hold_title(text) else None
    if found is None:
        return None
    title = found.group("title")
    return next(
        (i for i, (p, _, _) in enumerate(_TITLES) if re.fullmatch(p, title, re.IGNORECASE)), None
    )


def role_of(title: str) -> tuple[DmuRole, bool]:
    for pattern, role, executive in _TITLES:
        if re.fullmatch(pattern, title, re.IGNORECASE):
            return role, executive
    return "influencer", False


_IS_DEPARTMENT = re.compile(_DEPARTMENT, re.I)


def is_department(title: str | None) -> bool:
    return title is not None and _IS_DEPARTMENT.fullmatch(title) is not None
