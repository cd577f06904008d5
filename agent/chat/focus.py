"""Which section of a report a rep's question is about: a role in the buying group ("who is my
champion and can I rely on them?" is answered by the champion's own plan: their engagement,
approach and what to say), or, in an objection guide, the kind of objection the rep describes
("procurement keeps asking for a discount": the guide's price objection), rather than the
report's first section.

Report headings name each person with their role in brackets ("Owen Marchetti, VP Supply
Chain Operations (champion)"), so the role words a rep uses are matched to those brackets; an
objection's kind is read with the one objection reader (agent/reading/objection_phrases.py). Nothing
about any deal or person is written here.
"""

from __future__ import annotations

import re

from agent.capabilities.objection_guide.contract import ObjectionGuideResult
from agent.compose.brief import menu
from agent.contracts.response import CoachingResponse
from agent.reading.objection_phrases import classify_objection

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


def objection_section(message: str, response: CoachingResponse) -> str:
    """The objection guide's section for the kind of objection the message describes ("" when
    it describes none, or the guide has none of that kind); the likeliest of that kind."""
    result = response.result
    kind = classify_objection(message) if isinstance(result, ObjectionGuideResult) else None
    if kind is None or not isinstance(result, ObjectionGuideResult):
        return ""
    titles = set(menu(response.markdown))
    for plan in sorted(result.objections, key=lambda p: p.rank):
        if plan.category == kind and (title := f"{plan.rank}. {plan.title}") in titles:
            return title
    return ""


def focus(message: str, response: CoachingResponse) -> str:
    """The section a question is about, if any: see the module's docstring."""
    return asked_section(message, response.markdown) or objection_section(message, response)
