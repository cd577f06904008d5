"""What free text says a competitor offers against us: a lower price, a faster go-live, a wider
scope ("they are 30% cheaper", "Nimbra lists at USD 95k a year").

Rules a coach can read: a sentence must name a rival (a known competitor, or "the incumbent",
"another vendor") and make one of these claims; objection handling and the competition brief
answer each claim differently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from agent.contracts.facts import ComparisonClaim, Fact
from agent.gates import gate
from agent.reading.objection_phrases import competitor_pattern
from agent.reading.spans import sentence_spans
from knowledge.trust import figures_in

_PRICE = re.compile(
    r"\b(?:cheaper|less expensive|lower (?:price|cost|quote)|undercut|half the (?:price|cost)|"
    r"\d+\s?% (?:cheaper|less|lower|below)|(?:their|a|the) quote (?:is|of|at)|priced at|"
    r"discount(?:ed)? (?:price|offer)|"
    r"(?:price|pricing|quote|offer|bid|licen[cs]e (?:fee|cost))s?(?:'s)? (?:is|are|was|were|"
    r"came in|comes in) (?:\w+ )?(?:lower|cheaper|less|below|under)|"
    r"(?:lower|less|cheaper|below|under) (?:than )?(?:ours|us|our (?:price|quote|offer|"
    r"number|proposal|bid|pricing)))\b",
    re.I,
)
_SPEED = re.compile(
    r"\b(?:faster|quicker|sooner|live in \d+|go-live in|implement(?:ed|s)? in \d+)\b", re.I
)
_SCOPE = re.compile(
    r"\b(?:includes?|included|also covers|out of the box|more features|bundled|all-in-one)\b",
    re.I,
)
# With a competitor named and a figure in the sentence, plainer words also state a price or a
# time to go live ("Nimbra lists at USD 95k a year", "go-live of the workflow in 8 weeks").
_PRICE_FIGURE = re.compile(
    r"\b(?:lists? at|list price|quoted?|quotes|priced|pricing|costs?|charges?|came in at|"
    r"per (?:user|seat|licen[cs]e))\b",
    re.I,
)
_SPEED_FIGURE = re.compile(
    r"\b(?:live|go-live|implement(?:ed|s|ation)?|deliver(?:ed|s)?|roll(?:ed)?[- ]?out|"
    r"deploy(?:ed|s|ment)?)\b[^.;]{0,60}\b(?:in|within) \d",
    re.I,
)
_GENERIC_RIVAL = re.compile(
    r"\b(?:competitors?|other vendors?|another vendor|incumbent|alternative vendor|"
    r"(?:their|the) current (?:vendor|supplier|provider)|in-house build|build it (?:in-house|"
    r"themselves|ourselves))\b",
    re.I,
)
# A comparison makes one of these claims (read_comparisons): a text with none of their words
# compares nothing.
_CLAIMS = gate(_PRICE, _PRICE_FIGURE, _SPEED, _SPEED_FIGURE, _SCOPE)
_RIVAL_GATE = gate(_GENERIC_RIVAL)


def read_comparisons(ref: str, text: str, competitors: Sequence[str]) -> Iterator[Fact]:
    names = [n for n in competitors if n]
    named = competitor_pattern(names) if names else None  # cached per name set
    rivals = gate(named, _GENERIC_RIVAL) if named else _RIVAL_GATE
    if not (rivals.may_match(text) and _CLAIMS.may_match(text)):
        return  # no rival, or no claim: nothing to compare
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        rival = named.search(sentence) if named else None
        generic = _GENERIC_RIVAL.search(sentence)
        if rival is None and generic is None:
            continue
        figures = figures_in(sentence)
        figured = rival is not None and bool(figures)
        claim: ComparisonClaim | None = (
            "price"
            if _PRICE.search(sentence) or (figured and _PRICE_FIGURE.search(sentence))
            else "speed"
            if _SPEED.search(sentence) or (figured and _SPEED_FIGURE.search(sentence))
            else "scope"
            if _SCOPE.search(sentence) and rival
            else None
        )
        if claim is None:
            continue
        yield Fact(
            kind="comparison",
            ref=ref,
            quote=sentence,
            competitor=rival.group(0) if rival else None,
            claim=claim,
            figure=figures[0].text if figures else None,
        )
