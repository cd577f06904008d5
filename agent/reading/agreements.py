"""What was agreed, conceded or required in a deal's text: an up-front contract for a meeting,
concessions in a negotiation (traded or given away), who leads the buying process, and approval
thresholds ("any investment above USD 150,000 goes to the board").

Each is a readable rule over one text (an activity summary, a note, a call line):

- **Up-front contract** parts, found in the same text: the agreement itself ("agreed up front",
  "we agreed", "up-front contract"), the time ("45 minutes", "an hour"), the agenda and roles
  ("agenda", "purpose", "his team brings", "we demo only", "she wants to see"), and the outcomes,
  "no" included ("yes or no", "go/no-go", "comfortable saying no", "decide at the end"). A
  negated part ("no agenda was agreed") does not count. A dated next step is none of these.
- **Negotiation**: the seller's concession (agreed to 15%, gave a discount, dropped the price)
  is *traded* when the same sentence buys something ("in exchange for", "in return for",
  "only if", "against a three-year term") and *given* when it says nothing was asked in return or
  buys nothing; *held* when the seller declined or pushed back on a discount; *value re-anchored*
  when the seller walked the buyer back through the value case (and the opposite when the text
  says the value case was not discussed).
- **Process lead**: *led* when we proposed the evaluation steps or plan and the customer
  adopted it; *customer-led* when a customer set the steps, dates or timeline.
- **Approval threshold**: an approval word (goes to, needs, requires, must approve, sign-off)
  and an amount after "above / over / more than / exceeding" in one sentence, with the approver
  it names (the board, a committee, an executive title), when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.contracts.context import DealContext
from agent.reading.actors import SELLER, Cue, DealText, Reader, deal_text


def _any(body: str) -> re.Pattern[str]:
    """Whole words and figures: no letter or digit may touch either end ("15%" included)."""
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


UFC_PARTS: dict[str, re.Pattern[str]] = {
    "agreed": _any(
        r"agreed up[- ]front|up[- ]front (?:contract|agreement)|agreed (?:on )?(?:the |an |our )?"
        r"(?:agenda|purpose|objective|format|outcomes?|ground rules)|we agreed|both agreed|"
        r"(?:he|she|they) agreed (?:that|on|to the (?:agenda|plan|format))|mutually agreed|"
        r"agreed with [^.;:]{1,30}?(?:on|that|:)|set expectations"
    ),
    "time": _any(
        r"\d{1,3}[- ]?(?:minutes?|mins?)|an hour|half an hour|\d(?:\.\d)?[- ]?hours?|"
        r"(?:thirty|forty-five|forty five|sixty|ninety) minutes"
    ),
    "agenda": _any(
        r"agenda|purpose|objective|goal (?:of|for) the (?:meeting|call|demo|session)|"
        r"(?:we|they) (?:will )?(?:demo|show|cover|present|walk through) only|"
        r"(?:his|her|their|our) (?:team|people|\w+s) (?:brings?|will bring)|"
        r"brings? (?:\w+ ){0,3}(?:cases|examples|questions|data|reports)|"
        r"(?:he|she|they) wants? to (?:see|understand|know|test)"
    ),
    "outcome": _any(
        r"yes or no|no[- ]go|go or no|(?:decide|decision|answer|tell us|say) (?:\w+ ){0,3}at the "
        r"end|at the end (?:of the (?:meeting|call|demo|session) )?(?:he|she|they|we) (?:will|"
        r"would|can) (?:tell|decide|agree|say|give)|(?:comfortable|ok|okay|fine|free|happy) "
        r"(?:with )?(?:saying|to say) no|clear (?:yes|no|answer|decision)|"
        r"whether (?:a |the )?next step makes sense|if it (?:does not|doesn['’]t) fit"
    ),
}
_NEGATED_PART = re.compile(r"\b(?:no|not|never|without|nothing)\b|n['’]t\b", re.IGNORECASE)

CONCESSION = _any(
    r"(?:agreed|conceded|gave|offered|accepted|granted|approved|dropped|cut|reduced|matched)"
    r"(?: \w+){0,4}? (?:to )?(?:\d+(?:\.\d+)?\s?%|(?:a |the |their |an extra )?discount|"
    r"(?:our |the )?price|(?:their|the) quote)"
)
TRADED = _any(
    r"in (?:exchange|return) for|traded|only if|provided (?:that )?|conditional on|"
    r"against a (?:longer|multi-year|\w+-year) (?:term|commitment)|if they (?:sign|commit)"
)
NOT_TRADED = _any(
    r"(?:nothing|no\w*) (?:was )?(?:asked|requested|received|got|traded)(?: for)? in return|"
    r"without (?:asking for|getting) anything|for nothing in return"
)
HELD = _any(
    r"declined|refused|held (?:the |our )?(?:price|line|firm)|stood firm|pushed back|said no|"
    r"did not (?:discount|concede|budge)|didn['’]t (?:discount|concede|budge)"
)
PRICE_TALK = _any(r"discount\w*|\d+(?:\.\d+)?\s?% off|price|pricing|concession")
REANCHORED = _any(
    r"(?:walked|took|brought|went) (?:\w+ ){0,4}(?:back )?through (?:the |our )?[^;]{0,30}?"
    r"value case|re-?anchor\w*|revisit\w* the value case|re-?confirm\w* the value case|"
    r"back to the value"
)
NOT_REANCHORED = _any(r"value case (?:was |were )?(?:not|never) (?:discussed|revisited|raised)")
LED = _any(
    r"(?:we|i) proposed (?:the|an|our) (?:evaluation|plan|sequence|steps|timeline|mutual action "
    r"plan|process)[^.;]{0,60}?(?:agreed|adopted|accepted|signed off)|"
    r"(?:adopted|accepted|agreed to) our (?:plan|steps|sequence|evaluation plan|timeline)"
)
CUSTOMER_LED = _any(
    r"(?:set|dictated|decided|imposed|laid out|defined) the (?:steps|dates|timeline|process|"
    r"schedule|sequence)"
)


@dataclass(frozen=True)
class UpFrontContract:
    """The parts of an up-front contract one text records, each with its sentence."""

    ref: str
    parts: dict[str, str]  # part -> the sentence it was read from

    @property
    def quotes(self) -> list[str]:
        return list(dict.fromkeys(self.parts.values()))


def read_upfront_contracts(
    ctx: DealContext, shared: DealText | None = None
) -> list[UpFrontContract]:
    """Texts with a customer in them that record at least one part of an up-front contract."""
    customers = {c.id for c in ctx.deal.contacts}
    text = deal_text(ctx, shared)
    people = text.people
    found = []
    for src in text.sources:
        with_customer = src.customers or src.speaker in customers or src.customer_line
        reader = Reader(src, people)
        named = any(people.who(m.group(0)) in customers for m in people.pattern.finditer(src.text))
        if not (with_customer or named):
            continue
        parts: dict[str, str] = {}
        for _, sentence in reader.sentences():
            for part, pattern in UFC_PARTS.items():
                m = pattern.search(sentence)
                if m is None or part in parts:
                    continue
                if _NEGATED_PART.search(sentence[max(0, m.start() - 25) : m.start()]):
                    continue
                parts[part] = sentence
        if parts:
            found.append(UpFrontContract(src.ref, parts))
    return found


def read_negotiation(ctx: DealContext, shared: DealText | None = None) -> list[Cue]:
    """Concessions (traded, given), price held, value re-anchored or not, and who led the
    process: cues whose `who` is SELLER for the seller's moves and a contact for the customer's."""
    text = deal_text(ctx, shared)
    people = text.people
    cues: list[Cue] = []
    for src in text.sources:
        reader = Reader(src, people)
        price_seen = False
        for _, s in reader.sentences():
            price_seen = price_seen or bool(PRICE_TALK.search(s))
            checks = [
                ("concession", CONCESSION),
                ("held", HELD),
                ("reanchored", REANCHORED),
                ("led", LED),
                ("customer_led", CUSTOMER_LED),
            ]
            for kind, pattern in checks:
                for m in pattern.finditer(s):
                    who, end, asked = reader.actor(s, m.start(), m.end())
                    found = kind
                    if kind == "concession":
                        if who != SELLER:
                            continue
                        traded = TRADED.search(s) and not NOT_TRADED.search(s)
                        found = "traded" if traded else "given"
                    if kind == "held" and (who != SELLER or not price_seen):
                        continue
                    if kind == "customer_led" and (who is None or who == SELLER):
                        continue
                    if reader.polarity(s, end, m.start(), m.end(), asked) == "done":
                        cues.append(Cue(found, "done", who, src.ref, s, m.group(0)))
            for m in NOT_REANCHORED.finditer(s):
                cues.append(Cue("reanchored", "not_done", SELLER, src.ref, s, m.group(0)))
    return cues


_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW"}
_DOLLARS = {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"}
_AMOUNT = re.compile(
    r"(?P<limit>above|over|more than|exceeding|in excess of|beyond|greater than|upwards of|"
    r"from)\s+(?:a\s+|the\s+)?(?P<pre>[$€£¥₩]|[A-Z]{3})?\s?(?P<num>\d[\d,.]*)\s?"
    r"(?P<mult>k|m|bn|million|thousand|billion)?\b\s?(?P<post>[A-Z]{3}\b)?",
    re.IGNORECASE,
)
_APPROVAL = _any(
    r"goes to|go to|needs?|requires?|must be approved|has to be approved|approved by|"
    r"approval|sign-?off|signs? off|signature|must approve|has to approve|is decided by"
)
APPROVER = _any(
    r"(?:the )?(?:board(?: of directors)?|investment committee|executive committee|steering "
    r"committee|capex committee|budget committee|exco|group (?:holding|board|CFO|CEO)|"
    r"holding(?: company)?|parent company|head office|group|shareholders?|owners?|CEO|CFO|COO|"
    r"MD|managing director|general manager|chief \w+ officer|president|chair(?:man)?)"
)
_MAYBE = _any(r"may|might|possibly|perhaps|unclear|not sure|probably|could")
_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}


@dataclass(frozen=True)
class Threshold:
    """An approval limit the text states: the amount, its currency if written, who approves
    above it (the words, if named), and the sentence."""

    amount: float
    currency: str | None
    approver: str | None
    ref: str
    quote: str
    hedged: bool = False  # "may need to approve", "possibly"

    def crossed_by(self, amount: float, currency: str) -> bool | None:
        """True or False when comparable; None when the currencies differ."""
        if self.currency is not None and self.currency != currency.upper():
            dollar = self.currency == "USD" and currency.upper() in _DOLLARS
            if not dollar:
                return None
        return amount > self.amount


def _number(text: str, mult: str | None) -> float | None:
    digits = text.rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        digits = digits.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):
        digits = digits.replace(".", "")  # 150.000 written the continental way
    try:
        value = float(digits)
    except ValueError:
        return None
    return value * _MULT.get((mult or "").lower(), 1.0)


def read_thresholds(ctx: DealContext, shared: DealText | None = None) -> list[Threshold]:
    """Approval thresholds written in the deal's text."""
    text = deal_text(ctx, shared)
    found, people = [], text.people
    for src in text.sources:
        for _, sentence in Reader(src, people).sentences():
            if not _APPROVAL.search(sentence):
                continue
            for m in _AMOUNT.finditer(sentence):
                value = _number(m.group("num"), m.group("mult"))
                if value is None or value < 100:
                    continue
                code = m.group("pre") or m.group("post")
                currency = _CURRENCY.get(code, code.upper()) if code else None
                approver = APPROVER.search(sentence[m.end() :]) or APPROVER.search(sentence)
                hedged = _MAYBE.search(sentence) is not None
                who = approver.group(0) if approver else None
                found.append(Threshold(value, currency, who, src.ref, sentence, hedged))
    return found
