"""Objection phrases: which objection a sentence voices, by category, and the pattern that
finds competitor names in it.

Post-call metrics (agent.analysis.conversation), the live-assist detectors, the utterance
classifier's fallback and chat import these, so a phrase added here is recognised everywhere
and they never disagree about what counts as an objection.

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
from typing import get_args

from agent.contracts.conversation_metrics import ObjectionCategory
from agent.reading.patterns import NT, any_of, on_first_use

OBJECTION_CATEGORIES: tuple[ObjectionCategory, ...] = get_args(ObjectionCategory)
_WE = r"(?:we|i|they|she|he)"
_CANT = r"(?:can'?t|can’t|can ?not)"  # "can{NT}" would need "cann't"

OBJECTION_PHRASES: dict[ObjectionCategory, re.Pattern[str]] = {
    "competitor": any_of(
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
    "price": any_of(
        r"too (?:expensive|pricey|costly|much money)|(?:over|out of|beyond) (?:our|my|the) budget|"
        rf"can'?t afford|cannot afford|could{NT} afford|no budget|"
        r"(?:i'?m|am|too|so|pretty|very) broke|short on money|"
        rf"do{NT} have (?:the |any |much |enough |extra |spare )?(?:budget|money|funds|cash)|"
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
    "authority": any_of(
        r"(?:need|have|got) to (?:check|talk|speak|clear (?:it|this)) (?:with|to)|"
        r"run (?:it|this) by|"
        r"not (?:my|our) (?:call|decision)|above my (?:pay ?grade|head)|who (?:signs|approves)|"
        r"(?:boss|manager|cfo|ceo|board|wife|husband|spouse|partner|finance)\b.{0,25}"
        r"(?:has|have|needs?|would need|will need|must) to (?:approve|sign|decide|agree|see)|"
        r"(?:needs?|requires?|waiting (?:on|for)) (?:\w+ )?(?:sign-?off|approval|signature)|"
        # "can{NT}" as written: "I can't sign off" is most often a condition ("anything less
        # and I can't sign off the architecture"), a requirement rather than resistance
        rf"{_WE} (?:can{NT}|won'?t|will not|would{NT}) (?:sign|approve|decide|commit)"
    ),
    "timing": any_of(
        r"not (?:right )?now|not (?:a good|the right) time|bad time(?:ing)?|maybe later|"
        r"(?:next|later this|later in the) (?:quarter|year|month|fiscal)|hold off|"
        r"no (?:rush|hurry)|"
        r"(?:wait|waiting) (?:until|till|for) (?:next|after|the)|budget season|"
        r"(?:next|new|january|february|march|april|spring|autumn|fall) budget (?:round|cycle|year)|"
        r"(?:until|after) the budget (?:round|cycle)|"
        r"(?:can'?t|cannot|can not|won'?t) be (?:paid|signed|approved|funded) (?:before|until)|"
        r"(?:put|putting|keep) (?:this|it|things) on hold|"
        r"(?:pause|postpone|delay) (?:this|it|the|our)|"
        r"(?:too )?(?:busy|swamped|stretched) (?:right now|with|at the moment)|"
        r"timing (?:is|isn'?t|doesn'?t|won'?t)|not ready|need (?:more )?time|"
        r"(?:let me|i'?ll|i will|we'?ll|we will|need to|want to) think (?:about (?:it|this|that)|"
        r"it over)|(?:not|n'?t)\b.{0,30}\bat (?:this|the moment|the present) time|"
        r"maybe (?:sometime|someday|in the future|down the road)|not (?:today|yet)"
    ),
    "security": any_of(
        r"(?:security|compliance|privacy|infosec|risk) (?:team|review|concerns?|issues?|won'?t|"
        r"will not|would not|hasn'?t|has not|needs?|requirements?)|breach notification|"
        r"(?:data|patient data|phi|pii) (?:leav\w+|outside|in the cloud|residency|breach\w*)|"
        r"(?:hipaa|gdpr|soc ?2|iso ?27001|sso) (?:is|are|requirements?|gaps?)|"
        r"(?:has|have|needs?|must) to (?:stay|be kept|remain|run) on-?prem\w*|on-?prem\w* only|"
        r"(?:can'?t|cannot|can not|not allowed to|won'?t) (?:go|be|run|live) (?:in|to) "
        r"(?:the|your|a) (?:public )?cloud"
    ),
    "contract": any_of(
        r"(?:unlimited|uncapped) liability|liability cap|cap on liability|audit rights|"
        r"(?:open|outstanding) (?:redlines?|points)|"
        r"(?:net|payment terms)[- ]?(?:60|90|120)|price lock|auto-?renew\w*|lock(?:ed)?[- ]in|"
        r"(?:terms|clauses?) (?:are|is) (?:a problem|unacceptable|too)|"
        rf"(?:legal|counsel)\b.{{0,20}}(?:won'?t|will not|{_CANT}|push\w* back)|"
        rf"{_WE} {_CANT} (?:accept|agree to|sign) (?:that|this|those|the) "
        r"(?:terms?|clauses?)"
    ),
    "implementation": any_of(
        rf"do{NT} have (?:the )?(?:resources|people|bandwidth|capacity|team|staff)|"
        r"how long (?:will|would|does|did) (?:it|the \w+|implementation|rollout) take|"
        r"(?:integration|implementation|migration|rollout|adoption|onboarding)\b.{0,30}"
        r"(?:hard|complex|complicated|risky|painful|slow|a concern|a worry)|shadow it|"
        r"bottleneck|won'?t scale|doesn'?t scale|not a pass|another platform|"
        r"too much (?:work|effort|change)"
    ),
    "trust": any_of(
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
    "status_quo": any_of(
        r"(?:current|existing) (?:process|system|tool|setup|way)\b.{0,20}"
        r"(?:works|fine|good enough)|"
        r"(?:works|working) (?:fine|well|ok) (?:for us|as is|today)|always done it|"
        rf"why (?:change|switch|bother)|do{NT} want to (?:change|switch)|"
        r"happy with (?:what|how|our|the current)|(?:fine|ok|okay) as (?:it is|is)"
    ),
    "need": any_of(
        rf"not (?:really )?interested|do{NT} (?:really )?need|no need|nice to have|no thanks?|"
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
        rf"do{NT} (?:really )?(?:like|want) to (?:donate|buy|spend|commit|give)"
    ),
}
CONCERN = any_of(
    r"worr(?:y|ied|ies)|concern(?:ed|s)?|nervous|uneasy|hesita\w+|unsure|afraid|risky|"
    r"not (?:sure|convinced|comfortable|happy)|problem with|issue with|push ?back|struggl\w+ to see"
)
OBJECTION_TOPICS: dict[ObjectionCategory, re.Pattern[str]] = {
    "competitor": any_of(r"competitors?|alternatives?|other vendors?"),
    "price": any_of(
        r"price\w*|costs?|budget|discount|money|fees?|afford\w*|quote|roi|payback|spend|tco|"
        r"total cost"
    ),
    "authority": any_of(r"approv\w+|sign-?off|signature|cfo|board|decision"),
    "timing": any_of(r"timing|timeline|deadline|schedule|quarter|go-?live"),
    "security": any_of(r"security|secure|compliance|privacy|breach\w*|hipaa|gdpr|residency|data"),
    "contract": any_of(r"contract|terms|liability|indemn\w+|msa|clauses?|renewal|termination"),
    "implementation": any_of(
        r"implement\w*|rollout|integrat\w+|migration|training|adoption|throughput|performance|"
        r"scal\w+|resources|maint\w+|support"
    ),
    "trust": any_of(r"trust|references?|proof|promises?|guarantee"),
    "status_quo": any_of(r"change|disruption|spreadsheets?|switch\w*"),
    "need": any_of(r"need|priority|value|benefit|worth"),
}


def _joined(patterns: dict[ObjectionCategory, re.Pattern[str]]) -> re.Pattern[str]:
    """One pass instead of ten: `(?P<price>...)|(?P<timing>...)`, for lower-cased text."""
    joined = "|".join(f"(?P<{k}>{p.pattern})" for k, p in patterns.items())
    return on_first_use(r"(?=\b\w)(?:" + joined + ")")


_PHRASES, _TOPICS = _joined(OBJECTION_PHRASES), _joined(OBJECTION_TOPICS)
_CONCERN = on_first_use(CONCERN.pattern)
_COMPARISON = any_of(
    r"quote|offer\w*|cheaper|instead|already|discount|pilot|prefer\w*|standardi[sz]ed"
)


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
