"""Phrase patterns for what people say in sales conversations, shared by every reader of talk.

Post-call metrics (agent.analysis.conversation) and the live-assist detectors import these, so a
phrase added here is recognised in both places and the two never disagree about what counts as
an objection. Every rule is a plain regular expression a coach can read and argue with; no
model, no weights. Every exported pattern is case-insensitive.

Objection rule, in order: (1) a category's own phrase ("too expensive", "not right now"), the
earliest in the text winning (ties go to the category listed first in OBJECTION_CATEGORIES),
else (2) a concern word ("worried", "not convinced", "pushback") with a category's topic word
("price", "integration"), the earliest topic word deciding, else (3) a named competitor next to
a comparison word ("their quote", "instead"). Competitor names are never listed here: callers
pass them in (agent.reading.competitors reads them from the deal and the knowledge base).

For speed, each family of patterns is also joined into one expression with a named group per
category and run once over the lower-cased text (a case-insensitive search is about three
times slower in Python's `re`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast, get_args

from agent.contracts.conversation_metrics import ObjectionCategory, QuestionKind

OBJECTION_CATEGORIES: tuple[ObjectionCategory, ...] = get_args(ObjectionCategory)


class _OnFirstUse:
    """A pattern compiled the first time it is used. Why: the tables below are for talk (calls,
    live assist, objections) and take about 50 ms to compile, paid at the start of every process
    that imports this module, such as a next best action that never reads a call. Its source
    (`.pattern`) is there at once; the first other use compiles it and binds the compiled
    pattern's methods to it, so later calls cost what a compiled pattern's do."""

    _BOUND = "search match fullmatch finditer findall sub subn split flags groups groupindex"

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags
        _DEFERRED.append(self)

    def _compile(self) -> re.Pattern[str]:
        compiled = re.compile(self.pattern, self._flags)
        for attribute in self._BOUND.split():
            setattr(self, attribute, getattr(compiled, attribute))
        return compiled

    def __getattr__(self, name: str) -> Any:  # only for what is not bound yet
        return getattr(self._compile(), name)


_DEFERRED: list[_OnFirstUse] = []


def compile_talk_patterns() -> None:
    """Compile every talk pattern now: a live session does it while it prepares, so that no
    utterance of the call waits for it (its cards have a latency budget)."""
    for deferred in _DEFERRED:
        if "search" not in vars(deferred):
            deferred._compile()


def _on_first_use(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Typed as what it stands in for: callers use its methods and `.pattern`, never pass it to
    `re` functions or test it with isinstance (tests/unit/test_patterns_deferred.py)."""
    return cast("re.Pattern[str]", _OnFirstUse(pattern, flags))


def any_words(body: str) -> re.Pattern[str]:
    """`a|b|c` as whole words, case-insensitive: the one way the readers spell a word list."""
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


def _any(alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern: `a|b|c` as whole words. The leading look-ahead lets `re`
    reject most positions before trying every alternative: about twice as fast."""
    return _on_first_use(r"\b(?=\w)(?:" + alternatives + r")\b", re.IGNORECASE)


_NT = r"(?:n'?t|n’t| not)"  # don't, dont, don’t, do not
_WE = r"(?:we|i|they|she|he)"

OBJECTION_PHRASES: dict[ObjectionCategory, re.Pattern[str]] = {
    "competitor": _any(
        r"already (?:use|using|have|work with|working with|donate to|give to|support)\b.{0,40}"
        r"\b(?:other|another|different|vendor|tool|platform|charit\w*|organi[sz]ations?)|"
        r"(?:looking at|talking to|evaluating|considering|using|use|prefer|donat\w+ to|give to|"
        r"helped|with|there are) (?:some |a few |several |many )?(?:other|another|a different|"
        r"competing) (?:vendors?|suppliers?|providers?|tools?|platforms?|solutions?|"
        r"charit(?:y|ies)|organi[sz]ations?|causes?)|"
        r"(?:usually|normally|already|always) (?:donat\w+|give to|buy from|work with|go with)|"
        r"(?:rather|prefer to|prefer) (?:help|give|donate|support|buy|go with|"
        r"use)\b.{0,30}\b(?:local|own|directly|elsewhere|other)|"
        r"(?:competitor|alternative)'?s? (?:quote|offer|price|proposal|pilot)|"
        r"cheaper (?:elsewhere|option|alternative)|going with (?:someone|somebody) else|"
        r"(?:shopping|looking) around|standardi[sz]ed on"
    ),
    "price": _any(
        r"too (?:expensive|pricey|costly|much money)|(?:over|out of|beyond) (?:our|my|the) budget|"
        rf"can'?t afford|cannot afford|could{_NT} afford|no budget|"
        r"(?:i'?m|am|too|so|pretty|very) broke|short on money|"
        rf"do{_NT} have (?:the |any |much |enough |extra |spare )?(?:budget|money|funds|cash)|"
        r"(?:money|budget|cash|funds?)(?: is| are|'s) (?:tight|limited|short)|tight budget|"
        r"(?:price|pricing|cost|quote|fees?) (?:is|are|seems?|feels?|looks?) (?:too |very |a bit "
        r"|quite )?(?:high|steep|much|a lot)|(?:on a|fixed) (?:budget|income)|lower (?:the )?price|"
        r"(?:need|want|expect)(?:ed|s)? (?:a|an|some|more|a bigger|a further) discount|"
        r"(?:under|below|less than) \$\d[\d,.]*\s?(?:k|m|million)?|need (?:the|that|this|all the|"
        r"my|our) money|finances? (?:don'?t|do not|won'?t) (?:really )?allow|"
        r"financial (?:problems?|difficult\w*|situation)|(?:have|got) (?:to pay|bills)|"
        r"not in (?:the|our) budget|"
        r"can'?t justify (?:the|that|this) (?:cost|price|spend)|tough for (?:me|us) (?:right now|"
        r"financially)"
    ),
    "authority": _any(
        r"(?:need|have|got) to (?:check|talk|speak|clear (?:it|this)) (?:with|to)|"
        r"run (?:it|this) by|"
        r"not (?:my|our) (?:call|decision)|above my (?:pay ?grade|head)|who (?:signs|approves)|"
        r"(?:boss|manager|cfo|ceo|board|wife|husband|spouse|partner|finance)\b.{0,25}"
        r"(?:has|have|needs?|would need|will need|must) to (?:approve|sign|decide|agree|see)|"
        r"(?:needs?|requires?|waiting (?:on|for)) (?:\w+ )?(?:sign-?off|approval|signature)|"
        rf"{_WE} (?:can{_NT}|won'?t|will not|would{_NT}) (?:sign|approve|decide|commit)"
    ),
    "timing": _any(
        r"not (?:right )?now|not (?:a good|the right) time|bad time(?:ing)?|maybe later|"
        r"(?:next|later this|later in the) (?:quarter|year|month|fiscal)|hold off|"
        r"no (?:rush|hurry)|"
        r"(?:wait|waiting) (?:until|till|for) (?:next|after|the)|budget season|"
        r"(?:put|putting|keep) (?:this|it|things) on hold|"
        r"(?:pause|postpone|delay) (?:this|it|the|our)|"
        r"(?:too )?(?:busy|swamped|stretched) (?:right now|with|at the moment)|"
        r"timing (?:is|isn'?t|doesn'?t|won'?t)|not ready|need (?:more )?time|"
        r"(?:let me|i'?ll|i will|we'?ll|we will|need to|want to) think (?:about (?:it|this|that)|"
        r"it over)|(?:not|n'?t)\b.{0,30}\bat (?:this|the moment|the present) time|"
        r"maybe (?:sometime|someday|in the future|down the road)|not (?:today|yet)"
    ),
    "security": _any(
        r"(?:security|compliance|privacy|infosec|risk) (?:team|review|concerns?|issues?|won'?t|"
        r"will not|would not|hasn'?t|has not|needs?|requirements?)|breach notification|"
        r"(?:data|patient data|phi|pii) (?:leav\w+|outside|in the cloud|residency|breach\w*)|"
        r"(?:hipaa|gdpr|soc ?2|iso ?27001|sso) (?:is|are|requirements?|gaps?)"
    ),
    "contract": _any(
        r"(?:unlimited|uncapped) liability|liability cap|cap on liability|audit rights|"
        r"(?:open|outstanding) (?:redlines?|points)|"
        r"(?:net|payment terms)[- ]?(?:60|90|120)|price lock|auto-?renew\w*|lock(?:ed)?[- ]in|"
        r"(?:terms|clauses?) (?:are|is) (?:a problem|unacceptable|too)|"
        rf"(?:legal|counsel)\b.{{0,20}}(?:won'?t|will not|can{_NT}|push\w* back)|"
        rf"{_WE} can{_NT} (?:accept|agree to|sign) (?:that|this|those|the) (?:terms?|clauses?)"
    ),
    "implementation": _any(
        rf"do{_NT} have (?:the )?(?:resources|people|bandwidth|capacity|team|staff)|"
        r"how long (?:will|would|does|did) (?:it|the \w+|implementation|rollout) take|"
        r"(?:integration|implementation|migration|rollout|adoption|onboarding)\b.{0,30}"
        r"(?:hard|complex|complicated|risky|painful|slow|a concern|a worry)|shadow it|"
        r"bottleneck|won'?t scale|doesn'?t scale|not a pass|another platform|"
        r"too much (?:work|effort|change)"
    ),
    "trust": _any(
        r"(?:never|not) heard of (?:you|them|it|your company)|prove (?:it|that)|track record|"
        r"(?:how|why) (?:do|can|could|should|would) (?:i|we|you) (?:know|trust|believe|be sure)|"
        r"scams?|too good to be true|skeptical|sceptical|(?<!no )doubt\w*|distrust|"
        r"(?:is|are|if|whether|really|actually) (?:it |this |they |that |these )?(?:an? )?legit\w*|"
        r"need (?:some |more )?proof|(?:do|did|my) (?:own )?research|anyone can say|truthful|"
        r"trustworthy|how (?:effective|efficient)|mis-?use|mismanag\w+|(?:less|not) (?:than )?"
        r"(?:open|transparent)|leery|wary|weary of|suspicious|question(?:able|ing)|"
        r"is (?:this|it|that|he|she) (?:a )?real|"
        r"(?:where|how) (?:does |will |would |is )?(?:my|the|our) money (?:go|goes|going|be|is)|"
        r"(?:actually|really) go(?:es)? to|(?:sales|marketing) (?:talk|pitch|speak)|"
        r"(?:overhead|administrative) (?:costs?|fees?)"
    ),
    "status_quo": _any(
        r"(?:current|existing) (?:process|system|tool|setup|way)\b.{0,20}"
        r"(?:works|fine|good enough)|"
        r"(?:works|working) (?:fine|well|ok) (?:for us|as is|today)|always done it|"
        rf"why (?:change|switch|bother)|do{_NT} want to (?:change|switch)|"
        r"happy with (?:what|how|our|the current)|(?:fine|ok|okay) as (?:it is|is)"
    ),
    "need": _any(
        rf"not (?:really )?interested|do{_NT} (?:really )?need|no need|nice to have|no thanks?|"
        r"not (?:a|our) (?:top |big )?priority|not (?:really )?relevant|"
        r"(?:isn'?t|is not|not) (?:really )?(?:a )?(?:big )?(?:problem|issue|priority) "
        r"for (?:us|me)|"
        r"not going to (?:buy|donate|sign|move forward|go ahead|proceed|go with)|"
        r"(?:won'?t|will not|wouldn'?t|would not) be (?:interested|donating|buying|moving forward|"
        r"going ahead|proceeding)|(?:have to|must|will|i'?ll|we'?ll) (?:\w+ )?decline|not willing|"
        r"(?:going to|gonna|will|i'?ll|we'?ll|rather|want to) keep (?:the|my|our|mine|it)|"
        r"my answer is (?:still )?no|would not like|(?:i|we) (?:can ?not|can'?t)(?= *(?:[.!,]|$))|"
        r"no,? (?:i'?m )?sorry|sorry,? (?:but )?no|never (?:donate|buy|consider)|not (?:really )?"
        r"(?:big on|a fan of|into|my thing)|what difference would|not (?:\w+ )?worthwhile|"
        rf"do{_NT} (?:really )?(?:like|want) to (?:donate|buy|spend|commit|give)"
    ),
}
CONCERN = _any(
    r"worr(?:y|ied|ies)|concern(?:ed|s)?|nervous|uneasy|hesita\w+|unsure|afraid|risky|"
    r"not (?:sure|convinced|comfortable|happy)|problem with|issue with|push ?back|struggl\w+ to see"
)
OBJECTION_TOPICS: dict[ObjectionCategory, re.Pattern[str]] = {
    "competitor": _any(r"competitors?|alternatives?|other vendors?"),
    "price": _any(
        r"price\w*|costs?|budget|discount|money|fees?|afford\w*|quote|roi|payback|spend|tco|"
        r"total cost"
    ),
    "authority": _any(r"approv\w+|sign-?off|signature|cfo|board|decision"),
    "timing": _any(r"timing|timeline|deadline|schedule|quarter|go-?live"),
    "security": _any(r"security|secure|compliance|privacy|breach\w*|hipaa|gdpr|residency|data"),
    "contract": _any(r"contract|terms|liability|indemn\w+|msa|clauses?|renewal|termination"),
    "implementation": _any(
        r"implement\w*|rollout|integrat\w+|migration|training|adoption|throughput|performance|"
        r"scal\w+|resources|maint\w+|support"
    ),
    "trust": _any(r"trust|references?|proof|promises?|guarantee"),
    "status_quo": _any(r"change|disruption|spreadsheets?|switch\w*"),
    "need": _any(r"need|priority|value|benefit|worth"),
}


def _joined(patterns: dict[ObjectionCategory, re.Pattern[str]]) -> re.Pattern[str]:
    """One pass instead of ten: `(?P<price>...)|(?P<timing>...)`, for lower-cased text."""
    joined = "|".join(f"(?P<{k}>{p.pattern})" for k, p in patterns.items())
    return _on_first_use(r"(?=\b\w)(?:" + joined + ")")


_PHRASES, _TOPICS = _joined(OBJECTION_PHRASES), _joined(OBJECTION_TOPICS)
_CONCERN = _on_first_use(CONCERN.pattern)
_COMPARISON = _any(
    r"quote|offer\w*|cheaper|instead|already|discount|pilot|prefer\w*|standardi[sz]ed"
)

# Live-assist cues: pricing or negotiation talk, frustration, and stalling.
PRICING_TALK = _any(
    r"price\w*|discount\w*|quote|budget|costs?|fees?|licen[cs]e fee|payment terms|net[- ]?\d{2,3}|"
    r"best[- ]and[- ]final|bafo|price lock|uplift|\d+ ?% off|concessions?|per (?:seat|user|year)|"
    r"cheaper|rate card"
)
FRUSTRATION = _any(
    r"frustrat\w+|annoy\w+|fed up|sick of|ridiculous|unacceptable|waste of (?:my|our) time|"
    r"disappoint\w+|not happy|unhappy|upset|angry|how many times|(?:still|keep) waiting|"
    r"we(?:'ve| have) been (?:waiting|asking)"
)
STALL = _any(
    r"(?:let me|i'?ll|we'?ll|i will|we will|need to|want to) (?:think|sleep on|mull|reflect)|"
    r"(?:get|come|circle) back to you|(?:send|email) (?:me|us) (?:some )?(?:info\w*|something|"
    r"a deck|the deck|details|a summary|a one-pager)|touch base (?:later|next)|not ready|"
    r"maybe (?:later|next (?:week|month|quarter|year))|no decision (?:yet|until)|revisit|"
    r"(?:after|once) (?:the|our) (?:holidays|budget|go-?live|reorg\w*|audit|upgrade)|"
    r"(?:put|park|parking) (?:it|this) (?:on hold|for now)|budget season"
)
# Buying signals: the customer asks about next steps, start dates or paperwork.
BUYING_SIGNALS = _on_first_use(
    r"\b(?:what (?:are|would be) (?:the )?next steps|next steps?\?|how (?:soon|quickly|fast) "
    r"(?:could|can|would) (?:we|you)|when (?:could|can) we (?:start|begin|kick off|go live|sign)|"
    r"(?:start|kick-?off|go-?live) date|(?:send|share) (?:over )?(?:the )?(?:contract|order form|"
    r"paperwork|msa)|(?:ready|want|like) to (?:move forward|proceed|sign|go ahead|get started)|"
    r"if we (?:go|went|decide to go) ahead|what would it take to (?:start|sign|get)|"
    r"who (?:do we|should we) (?:send|route) (?:it|the contract)|let'?s (?:do it|move forward))",
    re.IGNORECASE,
)
ACKNOWLEDGEMENT = _any(
    r"i (?:completely |totally |fully |really )?(?:understand|hear you|hear that|get (?:it|that)|"
    r"appreciate|see where)|understood|understandable|fair(?: enough| point| question| concern)?|"
    r"good (?:point|question)|great question|makes sense|you'?re right|valid (?:point|concern)|"
    r"thanks? (?:you )?for (?:raising|sharing|being|flagging|telling)|totally get|i hear|"
    r"that'?s (?:a )?(?:reasonable|legitimate|real)"
)
# How a customer answers what the seller said: a reply that takes the message up, or one that
# waves it away. Used by post-call analysis for "which messages landed".
TAKEN_UP = _any(
    r"(?:that |this )?(?:could|would|might|should) work|makes sense|that helps|helpful|"
    r"good (?:point|idea)|interesting|i like (?:that|this|the)|that'?s fair|fair enough|useful|"
    r"agreed|works for me|sounds (?:good|great|right)|that'?s (?:right|true|exactly)|exactly|"
    r"love (?:that|this)|we can work with|i can (?:live|work) with|tell me more"
)
WAVED_AWAY = _any(
    r"(?:you'?ve|you have) (?:told|said|shown) (?:me|us) (?:that|this)|heard (?:that|this) before|"
    rf"do(?:es)?{_NT} change|not (?:the |my |our )?(?:point|issue|problem)|so what|"
    r"not relevant|irrelevant|that'?s (?:an? )?\w+ problem|my job is|still (?:too|need|have)|"
    r"not what (?:i|we) asked"
)
_OPEN = _on_first_use(
    r"(?:(?:so|and|but|okay|ok|well|now|then|right|also|just|great|sure|oh|um|uh|alright)\s+|"
    r"\w+,\s*)*"  # leading fillers and a name ("Felix, how..."); disjoint, so no backtracking
    r"(?:what|how|why|where|when|who|which|whose|tell|walk|describe|explain|talk me|help me|"
    r"in what|to what)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")


@dataclass(frozen=True)
class PhraseMatch:
    """Which category matched, and the words that made it match (for excerpts and reasons)."""

    category: ObjectionCategory
    phrase: str
    start: int
    end: int


def find_objection(text: str, competitors: Iterable[str] = ()) -> PhraseMatch | None:
    """The first objection rule that fires on `text` (see the module docstring), or None."""
    low = text.lower()
    if len(low) != len(text):  # a few Unicode letters change length when lower-cased
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    m = _PHRASES.search(low)
    if m:
        return PhraseMatch(_category(m), text[m.start() : m.end()], m.start(), m.end())
    concern = _CONCERN.search(low)
    topic = _TOPICS.search(low) if concern else None
    if concern and topic:
        return PhraseMatch(_category(topic), concern.group(0), concern.start(), concern.end())
    names = list(competitors)
    if names and _COMPARISON.search(text):
        m = competitor_pattern(names).search(text)
        if m:
            return PhraseMatch("competitor", m.group(0), m.start(), m.end())
    return None


def _category(m: re.Match[str]) -> ObjectionCategory:
    name = m.lastgroup
    return next(c for c in OBJECTION_CATEGORIES if c == name)


def classify_objection(text: str, competitors: Iterable[str] = ()) -> ObjectionCategory | None:
    """The objection category `text` voices, or None when it voices none."""
    found = find_objection(text, competitors)
    return found.category if found else None


def objection_categories(text: str) -> list[ObjectionCategory]:
    """Every category whose own phrases appear, for detectors that flag more than one."""
    found = {m.lastgroup for m in _PHRASES.finditer(text.lower())}
    return [c for c in OBJECTION_CATEGORIES if c in found]


_COMPETITOR_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


class Proper(str):
    """A name matched only as written, capital included: a short name ("Quorra" for "Quorra
    Automate") is a vendor when capitalised, and may be an ordinary word when not."""

    __slots__ = ()


def _proper(name: str) -> str:
    """A name's text as competitor_pattern reads it: "=" marks one matched as written."""
    return "=" + name.strip() if isinstance(name, Proper) else name.strip()


def competitor_pattern(names: Sequence[str]) -> re.Pattern[str]:
    """Whole-word, case-insensitive match of any name ("Acme's" matches "Acme"), except a
    Proper one, matched as written; cached."""
    marked = {_proper(n) for n in names if n.strip()}
    key = tuple(sorted(marked, key=lambda n: (-len(n.lstrip("=")), n)))
    if key not in _COMPETITOR_CACHE:
        body = "|".join(
            f"(?-i:{re.escape(n[1:])})" if n.startswith("=") else re.escape(n) for n in key
        )
        _COMPETITOR_CACHE[key] = re.compile(r"\b(?:" + (body or r"(?!x)x") + r")\b", re.I)
    return _COMPETITOR_CACHE[key]


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


# A vendor the customer says they are also evaluating, named after the verb: "procurement also
# asked us to look at Stackwise", "we invited Vantage Flowworks", "the team is trialling Kaizen
# Loop". A weak verb ("look at", "seen", "met") counts only with a word that says another option
# is in play, so "look at Thursday's plan" or "talk to Dimitra" are not vendors.
_STRONG_EVAL = (
    r"evaluat(?:e|es|ing|ed)|trial(?:l)?(?:ing|ed)|pilot(?:ing|ed)|"
    r"shortlist(?:ed|ing)?|compar(?:e|es|ed|ing) (?:you|us|it) (?:with|to|against)|"
    r"(?:quote|demo|proposal|presentation|pitch) from"
)
_WEAK_EVAL = (
    r"look(?:ing|ed)? at|consider(?:ing|ed)?|talk(?:ing|ed)? to|invit(?:e|es|ed|ing)|seen|saw|"
    r"met with"
)
_VENDOR = _on_first_use(
    rf"\b(?:(?P<strong>{_STRONG_EVAL})|(?P<weak>{_WEAK_EVAL}))\s+"
    r"(?P<name>[A-Z][\w&-]*(?:\s[A-Z][\w&-]*){0,2})"
)
# A vendor the customer says will compete for the business, named before the verb: "Aquanet
# will surely bid", "Norvik is bidding too", "Tessaly quoted for it last year". The name must
# start the clause (sentence start or after a comma or "and"), so "we asked them to bid" or
# "the tender where Acme bid" need the name itself to be the one bidding.
_BID_FILLERS = (
    r"(?:(?:will|would|could|may|might|also|too|surely|certainly|probably|likely|already|"
    r"(?:is|are) (?:going|planning|expected) to|plans? to|wants? to|intends? to|is|are)\s+){0,3}"
)
_BID_VERB = (
    r"(?:bid(?:s|ding)?|compet(?:e|es|ing)|tender(?:s|ing|ed)?|quot(?:e|es|ed|ing)|"
    r"pitch(?:es|ed|ing)?)\b"
)
_BIDDER = _on_first_use(
    r"(?:^|[,;:]\s+|\band\s+)(?P<name>[A-Z][\w&-]*(?:\s[A-Z][\w&-]*){0,2})(?:['’]s)?\s+"
    rf"(?:[^,.;]{{0,60}},?\s+(?:and|so)\s+(?:they|it)\s+)?{_BID_FILLERS}{_BID_VERB}"
)
_ANOTHER_OPTION = _on_first_use(
    r"\b(?:also|another|other|else|alternatives?|vendors?|competitors?|instead|options?|"
    r"presented|demo(?:ed)?|quoted?|pitched)\b",
    re.I,
)
_PRONOUNS = "i we you they he she it the this that these those our your their my his her its a an"
_CALENDAR = (
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december q1 q2 q3 q4"
)
# Parts of the customer that run a purchase, not vendors in it ("Procurement will tender it").
_FUNCTIONS = "procurement purchasing finance legal security operations board management everyone"
_NOT_VENDORS = frozenset(f"{_PRONOUNS} {_CALENDAR} {_FUNCTIONS}".split())


def excluded_words(phrases: Iterable[str]) -> frozenset[str]:
    """The words of names that are not vendors here, for `vendors_named`: built once for a
    whole call rather than again for each of its lines."""
    return frozenset(w.lower() for phrase in phrases for w in _NAME_WORD.findall(phrase))


_NAME_WORD = re.compile(r"[\w&-]+")


def vendors_named(
    text: str, exclude: Iterable[str] = (), skip: frozenset[str] | None = None
) -> list[str]:
    """Vendor names a text says are being evaluated alongside us, or will bid against us;
    `exclude` holds words that are not vendors here (people, the account, our own products),
    or `skip` those words already lower-cased (`excluded_words`)."""
    skip = excluded_words(exclude) if skip is None else skip
    found: list[str] = []
    for sentence in sentences(text):
        for m in [*_VENDOR.finditer(sentence), *_BIDDER.finditer(sentence)]:
            if (
                "weak" in m.re.groupindex
                and m.group("weak")
                and not _ANOTHER_OPTION.search(sentence)
            ):
                continue
            words = re.sub(r"['’]s$", "", m.group("name")).split()
            while words and (words[-1].lower() in _NOT_VENDORS or words[-1].lower() in skip):
                words.pop()
            if not words or any(w.lower() in _NOT_VENDORS | skip for w in words):
                continue
            name = " ".join(words)
            if name not in found:
                found.append(name)
    return found
