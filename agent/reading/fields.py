"""Qualification facts a rep writes into the record's text: "Budget: USD 300k in the 2027 plan",
"Timeline: live before the June audits", "Decision criteria: not discussed yet", and whose each
fact is (ownership.py): the customer's, the record's, or the seller's own proposal.

When the upstream agent that would record a fact is missing, the record's own text may still
show it, and then the fact is known, not unknown. The readable rules:

- **Labels**: a qualification word followed by a colon (Budget, Need, Pain, Problem, Timeline,
  Timing, Compelling event, Critical event, Decision criteria, Decision process, Metrics,
  Implication, Impact, and their plurals), optionally with a short aside ("Implication, also
  hers: ..."). What follows is the fact as the rep recorded it; "none", "unknown", "not
  discussed", "TBD" or "no budget" after the label records that it is missing.
- **Budget phrases** written without a label: money set aside ("has USD 300k for it", "budget
  approved", "funded in the 2027 plan"); "no budget", "not budgeted" record its absence.
- **Dates that force a decision** (compelling or critical events), wherever they are written:
  a date tied to an event ("live before the June audit", "must be running by the renewal",
  "deadline is 30 June"); something the customer holds that ends on a date ("our licence runs
  out on 30 June", "the outsourcing contract ends 30 June and will not be renewed"); a rule or an
  event that starts on a date ("the e-invoicing mandate takes effect in January"); a deadline
  with its consequence ("if it is not live by then, the queries land on her team"). "No
  deadline", "no hard date", "we go when it is ready" record the absence of one.
- **The seller's dates**: a go-live, signature or target date in the seller's own proposal ("I
  told her if they sign by March we can go live before 1 July", "I suggested we aim for July")
  is recorded as the seller's. A date you proposed is not a compelling event, whatever the
  label the rep put on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agent.contracts.context import DealContext
from agent.months import MONTHS, alternation
from agent.reading.actors import DealText, Reader, deal_text, voices
from agent.reading.ownership import Owner, Spoken, owner_of

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
    + r")s?(?:,[^:.;]{0,30}|\s+(?:per|according to) [^:.;]{0,30})?\s*:\s*"
    + r"(?P<value>[^;\n]+?)(?=\.\s|\.$|;|\n|$)",
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
_MONTH = alternation(form for form in MONTHS if form != "may")
# A date or a named point in time; "may" only with a day, since it is also a verb.
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?(?: of)? (?:{_MONTH}|may)|(?:{_MONTH}|may) \d{{1,2}}"
    rf"(?:st|nd|rd|th)?|(?:(?:the )?(?:end|start|beginning|middle) of |early |mid-?|late )?"
    rf"(?:{_MONTH})(?: \d{{4}})?|Q[1-4]|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|"
    rf"(?:year|quarter|month)[- ]end|(?:the )?end of (?:the )?(?:year|quarter|month)|"
    rf"(?:this|next) (?:spring|summer|autumn|fall|winter|year|quarter|month)|20\d\d)\b",
    re.IGNORECASE,
)
_EVENT = (
    r"audits?|inspection|renewal|expiry|expires|season|launch|go-?live|year[- ]end|"
    r"quarter[- ]end|regulation|deadline|contract end|opening|peak"
)
TIMING = re.compile(
    rf"\b(?:(?:live|ready|in place|done|working|running|rolled out)\s+(?:before|by|ahead of)\s+"
    rf"(?:the\s+)?[^.;]{{0,30}}?(?:{_EVENT})|deadline (?:is|of|on)|(?:must|has to|have to|"
    rf"needs? to) (?:be )?(?:live|ready|done|in place|running|compliant) (?:by|before))\b",
    re.IGNORECASE,
)
_HOLDING = (
    r"contracts?|licen[cs]es?|lease|agreement|subscription|support|maintenance|warranty|"
    r"outsourcing|SLA|certificat\w*|accreditation|permit|grant"
)
_ENDING = (
    r"ends?|ending|expires?|expiring|expiry|runs? out|running out|lapses?|terminat\w*|is up|"
    r"(?:comes?|is) up for renewal|renews?|(?:not|n['’]t) (?:be )?renew\w*|"
    r"goes? out of support|(?:reaches|hits) end of (?:life|support)"
)
_STARTING = (
    r"(?:regulation|law|directive|mandate|rules?|requirement|standard|e-?invoicing|audit|"
    r"inspection|listing|IPO|merger|acquisition|season|opening|migration|cut-?over|shutdown|"
    r"closure)\b[^.;]{0,40}?\b(?:takes? effect|comes? into (?:force|effect)|appl(?:y|ies) from|"
    r"starts?|begins?|is due|are due|opens?|kicks? off|is scheduled)"
)
# Something the customer holds or must meet, on a date (the sentence must carry the date).
EVENT = re.compile(
    rf"\b(?:(?:{_HOLDING})\b[^.;]{{0,100}}?\b(?:{_ENDING})|{_STARTING})\b", re.IGNORECASE
)
# A deadline with its consequence: "if it is not live by then, the queries land on her team".
CONSEQUENCE = re.compile(
    r"\bif\b[^.;]{0,60}?(?:\bnot|n['’]t) (?:be )?(?:live|ready|done|in place|running|fixed|"
    r"solved|compliant)\b[^.;,]{0,20}?\b(?:by|before)\b[^.;,]{0,30},\s*\w",
    re.IGNORECASE,
)
# A date the seller puts forward: counted only when the sentence is the seller's proposal.
PROPOSED_DATE = re.compile(
    rf"\b(?:(?:live|ready|sign\w*|close|start|kick ?off|go)\b[^.;]{{0,40}}?\b(?:by|before|until|"
    rf"for|in|on)|(?:aim\w*|target\w*)(?: for)?|deadline(?: of| is| on)?)\s+(?:the\s+)?"
    rf"{DATE.pattern}",
    re.IGNORECASE,
)
NO_TIMING = re.compile(
    r"\b(?:no (?:hard |fixed |firm |real |set |specific |particular )?(?:deadline|date|timeline|"
    r"rush|time pressure|urgency)|not in (?:a|any) (?:rush|hurry)|(?:go|move|buy|start|decide|"
    r"do it) when (?:it is|it['’]s|we are|we['’]re|they are|they['’]re|everything is) ready|"
    r"whenever (?:it is|it['’]s|we are|we['’]re) ready)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Recorded:
    """One qualification fact the text records, present (met) or recorded as missing, and whose
    it is: a customer's words, the record's, or the seller's own proposal."""

    check: FieldName
    met: bool
    ref: str
    quote: str  # the label and its value, or the sentence
    owner: Owner = "record"
    who: str | None = None  # the customer contact it is attributed to, when one is


def _event(sentence: str) -> re.Match[str] | None:
    """A date that forces a decision: an event or a holding that ends on a date, a deadline,
    or a deadline with its consequence."""
    found = EVENT.search(sentence)
    if found and DATE.search(sentence):
        return found
    return TIMING.search(sentence) or CONSEQUENCE.search(sentence)


# Facts written as phrases: (check, what shows it, what records its absence).
PHRASES: tuple[tuple[str, Callable[[str], re.Match[str] | None], re.Pattern[str]], ...] = (
    ("budget_confirmed", BUDGET.search, NO_BUDGET),
    ("compelling_event", _event, NO_TIMING),
)


def read_fields(ctx: DealContext, shared: DealText | None = None) -> list[Recorded]:
    """Labelled facts, budget phrases and dates that force a decision, in the order the texts
    come, each with its owner."""
    text = deal_text(ctx, shared)
    found: list[Recorded] = []
    for src in text.sources:
        if src.planned:
            continue
        reader = Reader(src, text.people)
        spoken: Spoken | None = None
        labels = list(_LABEL.finditer(src.text))
        for a, sentence in reader.sentences():
            b = a + len(sentence)
            hits: list[tuple[str, bool, int, int, str, bool]] = [
                (
                    LABELS[m.group("label").lower()],
                    not _ABSENT.match(m.group("value")),
                    m.start("value") - a,
                    min(m.end("value"), b) - a,
                    m.group(0).strip(),
                    True,
                )
                for m in labels
                if a <= m.start() < b
            ]
            for check, present, absent in PHRASES:
                if m := absent.search(sentence):
                    hits.append((check, False, m.start(), m.end(), sentence, False))
                elif m := present(sentence):
                    hits.append((check, True, m.start(), m.end(), sentence, False))
            if hits or PROPOSED_DATE.search(sentence):
                spoken = (
                    voices(src, text.people, Reader(src, text.people)) if spoken is None else spoken
                )
            for check, met, start, end, quote, whole in hits:
                assert spoken is not None
                owner, who = owner_of(reader, spoken, sentence, a, start, end, whole)
                found.append(Recorded(check, met, src.ref, quote, owner, who))
            if not any(h[0] == "compelling_event" for h in hits):
                proposed = PROPOSED_DATE.search(sentence)
                if proposed and spoken is not None:
                    owner, _ = owner_of(reader, spoken, sentence, a, *proposed.span())
                    if owner == "seller":
                        found.append(
                            Recorded("compelling_event", True, src.ref, sentence, "seller")
                        )
    return found
