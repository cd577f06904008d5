"""Talk cues: pricing or negotiation talk, frustration, stalling, buying signals, an
acknowledgement, a reply that takes a message up or waves it away; and the sentences and
questions of a turn.

Live assist raises its cards on these and post-call analysis counts them, from the same
tables, so a call reads the same live and afterwards.
"""

from __future__ import annotations

import re

from agent.contracts.conversation_metrics import QuestionKind
from agent.reading.patterns import NT, any_of, on_first_use

# Live-assist cues: pricing or negotiation talk, frustration, and stalling.
PRICING_TALK = any_of(
    r"price\w*|discount\w*|quote|budget|costs?|fees?|licen[cs]e fee|payment terms|net[- ]?\d{2,3}|"
    r"best[- ]and[- ]final|bafo|price lock|uplift|\d+ ?% off|concessions?|per (?:seat|user|year)|"
    r"cheaper|rate card"
)
FRUSTRATION = any_of(
    r"frustrat\w+|annoy\w+|fed up|sick of|ridiculous|unacceptable|waste of (?:my|our) time|"
    r"disappoint\w+|not happy|unhappy|upset|angry|how many times|(?:still|keep) waiting|"
    r"we(?:'ve| have) been (?:waiting|asking)"
)
STALL = any_of(
    r"(?:let me|i'?ll|we'?ll|i will|we will|need to|want to) (?:think|sleep on|mull|reflect)|"
    r"(?:get|come|circle) back to you|(?:send|email) (?:me|us) (?:some )?(?:info\w*|something|"
    r"a deck|the deck|details|a summary|a one-pager)|touch base (?:later|next)|not ready|"
    r"maybe (?:later|next (?:week|month|quarter|year))|no decision (?:yet|until)|revisit|"
    r"(?:after|once) (?:the|our) (?:holidays|budget|go-?live|reorg\w*|audit|upgrade)|"
    r"(?:put|park|parking) (?:it|this) (?:on hold|for now)|budget season"
)
# Buying signals: the customer asks about next steps, start dates or paperwork.
BUYING_SIGNALS = on_first_use(
    r"\b(?:what (?:are|would be) (?:the )?next steps|next steps?\?|how (?:soon|quickly|fast) "
    r"(?:could|can|would) (?:we|you)|when (?:could|can) we (?:start|begin|kick off|go live|sign)|"
    r"(?:start|kick-?off|go-?live) date|(?:send|share) (?:over )?(?:the )?(?:contract|order form|"
    r"paperwork|msa)|(?:ready|want|like) to (?:move forward|proceed|sign|go ahead|get started)|"
    r"if we (?:go|went|decide to go) ahead|what would it take to (?:start|sign|get)|"
    r"who (?:do we|should we) (?:send|route) (?:it|the contract)|let'?s (?:do it|move forward))",
    re.IGNORECASE,
)
ACKNOWLEDGEMENT = any_of(
    r"i (?:completely |totally |fully |really )?(?:understand|hear you|hear that|get (?:it|that)|"
    r"appreciate|see where)|understood|understandable|fair(?: enough| point| question| concern)?|"
    r"good (?:point|question)|great question|makes sense|you'?re right|valid (?:point|concern)|"
    r"thanks? (?:you )?for (?:raising|sharing|being|flagging|telling)|totally get|i hear|"
    r"that'?s (?:a )?(?:reasonable|legitimate|real)"
)
# How a customer answers what the seller said: a reply that takes the message up, or one that
# waves it away. Used by post-call analysis for "which messages landed".
TAKEN_UP = any_of(
    r"(?:that |this )?(?:could|would|might|should) work|makes sense|that helps|helpful|"
    r"good (?:point|idea)|interesting|i like (?:that|this|the)|that'?s fair|fair enough|useful|"
    r"agreed|works for me|sounds (?:good|great|right)|that'?s (?:right|true|exactly)|exactly|"
    r"love (?:that|this)|we can work with|i can (?:live|work) with|tell me more"
)
WAVED_AWAY = any_of(
    r"(?:you'?ve|you have) (?:told|said|shown) (?:me|us) (?:that|this)|heard (?:that|this) before|"
    rf"do(?:es)?{NT} change|not (?:the |my |our )?(?:point|issue|problem)|so what|"
    r"not relevant|irrelevant|that'?s (?:an? )?\w+ problem|my job is|still (?:too|need|have)|"
    r"not what (?:i|we) asked"
)
_OPEN = on_first_use(
    r"(?:(?:so|and|but|okay|ok|well|now|then|right|also|just|great|sure|oh|um|uh|alright)\s+|"
    r"\w+,\s*)*"  # leading fillers and a name ("Felix, how..."); disjoint, so no backtracking
    r"(?:what|how|why|where|when|who|which|whose|tell|walk|describe|explain|talk me|help me|"
    r"in what|to what)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")


def is_pricing_talk(text: str) -> bool:
    return PRICING_TALK.search(text) is not None


def is_frustration(text: str) -> bool:
    return FRUSTRATION.search(text) is not None


def is_stall(text: str) -> bool:
    return STALL.search(text) is not None


def reply_takes_up(text: str) -> bool:
    """The first sentence of a reply accepts or builds on what was said, without objecting."""
    first = " ".join(sentences(text)[:1])
    return TAKEN_UP.search(first) is not None and WAVED_AWAY.search(first) is None


def reply_waves_away(text: str) -> bool:
    """The first two sentences of a reply dismiss what was said."""
    return WAVED_AWAY.search(" ".join(sentences(text)[:2])) is not None


def is_acknowledgement(text: str) -> bool:
    """An acknowledging phrase in the first two sentences: where a reply meets an objection."""
    return ACKNOWLEDGEMENT.search(" ".join(sentences(text)[:2])) is not None


def sentences(text: str) -> list[str]:
    """Sentences split on . ! ? (good enough for turn-level rules; abbreviations may split)."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def questions(text: str) -> list[str]:
    """Sentences ending with a question mark: the only question evidence text reliably has."""
    return [s for s in sentences(text) if s.endswith("?")] if "?" in text else []


def question_kind(question: str) -> QuestionKind:
    """Open when it starts (after fillers) with a word that cannot be answered yes or no."""
    return "open" if _OPEN.match(question.strip()) else "closed"
