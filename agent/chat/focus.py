"""Which section of a report a rep's question is about, when the question names a role in the
buying group: "who is my champion and can I rely on them?" is answered by the champion's own
plan (their engagement, approach and what to say), not by the report's first section.

Report headings name each person with their role in brackets ("Owen Marchetti, VP Supply
Chain Operations (champion)"), so the role words a rep uses are matched to those brackets;
nothing about any deal or person is written here.
"""

from __future__ import annotations

import re

from agent.compose.brief import menu

# The words reps use for each buying-group role (agent/contracts/deal.py DmuRole), as the
# role is written in a heading.
ROLE_WORDS = {
    "champion": r"champions?|internal advocate",
    "economic buyer": r"economic buyer|decision[- ]?makers?|signs? (?:it )?off|who signs|"
    r"signer|signatory|budget (?:holder|owner)|final say",
    "technical evaluator": r"technical evaluator|tech(?:nical)? (?:lead|buyer)",
    "business evaluator": r"business evaluator",
    "procurement": r"procurement|purchasing",
    "legal": r"legal|lawyers?|counsel",
    "blocker": r"blockers?|detractors?",
    "coach": r"(?:our|my|a) coach",
}
_ROLES = [
    (role, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for role, words in ROLE_WORDS.items()
]


def asked_section(message: str, markdown: str) -> str:
    """The title of the report's section about the role the message names ("" when it names
    none, or the report has no such section); the first role named wins."""
    named = sorted(
        (found.start(), role) for role, pattern in _ROLES if (found := pattern.search(message))
    )
    titles = menu(markdown)
    for _, role in named:
        for title in titles:
            if title.lower().endswith(f"({role})"):
                return title
    return ""
