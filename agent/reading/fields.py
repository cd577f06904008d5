"""Qualification facts a rep writes into the record's text: "Budget: USD 300k in the 2027 plan",
"Timeline: live before the June audits", "Decision criteria: not discussed yet".

When the upstream agent that would record a fact is missing, the record's own text may still
show it, and then the fact is known, not unknown. Two readable rules:

- **Labels**: a qualification word followed by a colon (Budget, Need, Pain, Problem, Timeline,
  Timing, Compelling event, Critical event, Decision criteria, Decision process, Metrics,
  Implication, Impact), optionally with a short aside ("Implication, also hers: ..."). What
  follows is the fact as the rep recorded it; "none", "unknown", "not discussed", "TBD" or "no
  budget" after the label records that it is missing.
- **Phrases** for budget and timing written without a label: money set aside ("has USD 300k
  for it", "budget approved", "funded in the 2027 plan") and a date tied to an event ("live before
  the June audit", "must be running by the renewal", "deadline is 30 June"); "no budget", "not
  budgeted", "no deadline" record their absence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.contracts.context import DealContext
from agent.reading.actors import DealText, deal_text

FieldName = str  # an evidence check name: budget_confirmed, compelling_event ...

LABELS: dict[str, FieldName] = {
    "budget": "budget_confirmed",
    "need": "pain_confirmed",
    "pain": "pain_confirmed",
    "problem": "pain_confirmed",
    "timeline": "compelling_event",
    "timing": "compelling_event",
    "compelling event": "compelling_event",
    "critical event": "compelling_event",
    "decision criteria": "decision_criteria_known",
    "criteria": "decision_criteria_known",
    "decision process": "decision_process_known",
    "metrics": "metrics_baselined",
    "implication": "impact_quantified",
    "impact": "impact_quantified",
}
_LABEL = re.compile(
    r"(?:^|(?<=[.;:]\s)|(?<=\n))(?P<label>"
    + "|".join(sorted(LABELS, key=len, reverse=True))
    + r")(?:,[^:.;]{0,30})?\s*:\s*(?P<value>[^;\n]+?)(?=\.\s|\.$|;|\n|$)",
    re.IGNORECASE,
)
_ABSENT = re.compile(
    r"^\s*(?:none|nothing|unknown|not (?:known|discussed|confirmed|yet|clear)|tbd|tbc|n/a|"
    r"no (?:budget|date|deadline|criteria|process|figures|pain)|unclear|open|\?+)\b",
    re.IGNORECASE,
)
BUDGET = re.compile(
    r"\b(?:(?:has|have|holds?|got|set aside|allocated|earmarked|ring-?fenced)\s+(?:a\s+|the\s+)?"
    r"(?:budget|funding|[$€£¥]\s?\d[\d,.]*\w*|(?-i:[A-Z]{3})\s?\d[\d,.]*\w*)|"
    r"budget\s+(?:is\s+|was\s+|has been\s+)?"
    r"(?:approved|allocated|confirmed|set aside|available|in place|ring-?fenced|signed off)|"
    r"(?:approved|allocated|ring-?fenced|earmarked) budget|budgeted|is funded|"
    r"funding (?:is |was )?(?:approved|confirmed|in place)|in the \d{4} (?:plan|budget))\b",
    re.IGNORECASE,
)
NO_BUDGET = re.compile(
    r"\b(?:no budget|not budgeted|unbudgeted|budget (?:is |was )?(?:not|never) (?:approved|"
    r"allocated|confirmed)|no funding)\b",
    re.IGNORECASE,
)
_EVENT = (
    r"audits?|inspection|renewal|expiry|expires|season|launch|go-?live|year[- ]end|"
    r"quarter[- ]end|regulation|deadline|contract end|opening|peak"
)
TIMING = re.compile(
    rf"\b(?:(?:live|ready|in place|done|working|running|rolled out)\s+(?:before|by|ahead of)\s+"
    rf"(?:the\s+)?[^.;]{{0,30}}?(?:{_EVENT})|deadline (?:is|of|on)|must (?:be )?(?:live|"
    rf"ready|done) (?:by|before))\b",
    re.IGNORECASE,
)
NO_TIMING = re.compile(r"\b(?:no (?:deadline|date|timeline|rush)|no fixed date)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Recorded:
    """One qualification fact the text records, present (met) or recorded as missing."""

    check: FieldName
    met: bool
    ref: str
    quote: str  # the label and its value, or the sentence


def read_fields(ctx: DealContext, shared: DealText | None = None) -> list[Recorded]:
    """Labelled facts and budget or timing phrases, in the order the texts come."""
    text = deal_text(ctx, shared)
    found: list[Recorded] = []
    for src in text.sources:
        if src.planned:
            continue
        for m in _LABEL.finditer(src.text):
            check = LABELS[m.group("label").lower()]
            value = m.group("value")
            found.append(Recorded(check, not _ABSENT.match(value), src.ref, m.group(0).strip()))
        for _, sentence in src.sentences():
            if NO_BUDGET.search(sentence):
                found.append(Recorded("budget_confirmed", False, src.ref, sentence))
            elif BUDGET.search(sentence):
                found.append(Recorded("budget_confirmed", True, src.ref, sentence))
            if NO_TIMING.search(sentence):
                found.append(Recorded("compelling_event", False, src.ref, sentence))
            elif TIMING.search(sentence):
                found.append(Recorded("compelling_event", True, src.ref, sentence))
    return found
