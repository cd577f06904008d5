"""What a deal's text states about the customer's numbers, the cause of their problem and how
their work runs today and should run tomorrow, and whose each statement is (ownership.py).

Several methodology elements live only in free text: MEDDICC's and Command of the Message's
Metrics (a baseline and a target in the customer's numbers), Gap Selling's Root Cause, Current
State and Future State, SPIN's and SPICED's Situation. Each is read here as readable rules, one
family each, and kept with its owner, because the same words from the seller are a proposal:

- **metric**: a quantity read as a *baseline* ("a claim takes 23 days on average", "our BI shows
  4.2 days today", "credit notes were USD 410k last season") or a *target* ("the target is 8
  days", "we want 2", "she wants the close under 10 working days", "target is same day"), each
  with its kind of measure (money, time, share, count), since a baseline and a target pair only
  when they measure the same thing. A target date for signature, or a payback, ROI, price or
  budget the buyer wants, is a test of our offer, not a target. In the seller's own words or
  artefacts ("our estimate: 30% fewer credit notes", "we reckon 30%", "based on other
  exporters") any figure is an *estimate*. A customer questioning figures ("where does your 30%
  come from", "the CFO questioned the numbers") *disputes* them; a customer saying in their own
  words that they have no measurement ("we have never measured it") is *unmeasured* (the rep's
  "no figures yet" is not the customer's word for it).
- **cause**: why the problem happens: "root cause", "the reason is", "because", "comes from",
  "caused by", "stems from", "due to", "driven by", "nobody owns", "no owner for". Outside
  those that name a cause themselves ("root cause", "reason", "owner") it must sit in a sentence
  about a problem (late, mismatch, errors, backlog ...), and not explain a step of the purchase
  ("the extract is delayed because the team is busy"). Raised as a question or a guess ("asked
  whether it comes from the process or from capacity") it is *open*, not diagnosed. A cause that
  only restates load ("because volumes are up", "due to the peak season") is a *surface* cause,
  a symptom; "nobody knows why", "root cause: unknown" record *none*. "Volumes are up" on its own
  is a symptom with no cause at all.
- **state**: the current state described: a "Current state:", "Situation:", "Today:" or "As-is:"
  line, a sentence about how the work is done now (manually, re-keyed, in Excel, on paper, by
  email and phone, "today", "currently"), or a baseline as above.
- **future**: where the customer wants to be: a "Future state:" or "Target state:" line, or a
  target as above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.contracts.context import DealContext
from agent.reading.actors import DealText, Reader, deal_text, voices
from agent.reading.ownership import Owner, Spoken, owner_of
from agent.reading.patterns import any_words

_CURRENCY = r"(?:[$€£¥]|(?-i:[A-Z]{3})\s?)"
_NUM = r"(?<![\d/.:-])\d[\d,.]*(?<![,.])(?![\d]|[-/:]\d)"  # not part of a date, a time or a code
_TIME = r"(?:working |business |calendar )?(?:days?|hours?|hrs|minutes?|mins|weeks?|months?)\b"
# A quantity and its kind of measure: a baseline and a target are of the same kind.
QUANTITY = re.compile(
    rf"(?P<money>{_CURRENCY}\s?{_NUM}\s?(?:k|m|bn|million|thousand)?)|"
    rf"{_NUM}\s?(?:(?P<time>{_TIME})|(?P<share>%|percent\b|per ?cent\b)|"
    rf"(?P<count>(?:FTEs?|people|agents|staff|heads|k|m|bn|million|thousand)\b))|"
    rf"(?P<words_time>\b(?:same|next)[- ]day\b|\breal[- ]time\b|\bwithin (?:the |an? )?"
    rf"(?:hour|day|week)\b)|(?P<relative>\b(?:zero|half|a third|a quarter|double|twice)\b)|"
    rf"(?P<bare>\b(?!(?:19|20)\d\d\b){_NUM}(?=\s*(?:$|[.;,)\"”]|\s(?:and|by|in|on|per|a|"
    rf"within)\b)))",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"\d|\b(?:same|next|real|within|zero|half|third|quarter|double|twice|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|few|several)\b",
    re.IGNORECASE,
)
BASELINE = any_words(
    r"today|currently|now|at the moment|on average|averages?|average of|last (?:season|year|"
    r"quarter|month|week)|per (?:month|week|year|day|season)|baseline|we are at|"
    r"runs? at|(?:is|are|was|were) (?:at|about|around|roughly)|shows?|measured|tracked|"
    r"(?:we|they) (?:see|get|handle|process|spend|lose)|costs? (?:us|them)"
)
# "takes 23 days", "took about five hours": a duration right after the verb.
TAKES = re.compile(
    rf"\b(?:takes?|took|taking)\s+(?:about |around |roughly |on average |up to |over |nearly |"
    rf"almost |an average of |some )?(?:{_NUM}|one|two|three|four|five|six|seven|eight|nine|ten|"
    rf"a few|several)\s?{_TIME}",
    re.IGNORECASE,
)
TARGET = any_words(
    r"target(?:s|ed)?(?! (?:signature|sign|date|close|go-?live|start))|goal|objective|"
    r"aim(?:s|ing)? (?:is|for|to)|wants?|wanted|"
    r"needs? (?:it |to get |to be |to reach )?(?:under|below|down to|at)|down to|"
    r"(?:reduce|cut|bring|get)\w* (?:it |that |this |them )?(?:down )?to|under|below|"
    r"no more than|at most"
)
# What a figure would change: in the seller's words, with a number, it is an estimate.
IMPROVEMENT = any_words(
    r"fewer|faster|less|lower|higher|more|reduc\w*|sav(?:e|es|ed|ing|ings)|cut|improv\w*|"
    r"increas\w*|gains?|uplift|ROI|payback|estimat\w*|reckon\w*|project(?:ed|ion|s)?"
)
# The customer questioning figures that are not theirs (whoever writes it down).
DISPUTED = any_words(
    r"where (?:your|the|that|this|those|these) [^.;]{0,30}?(?:comes? from|came from)|"
    r"(?:don['’]t|do not|can['’]t|cannot) (?:recognise|recognize|believe|buy|trust|see) "
    r"(?:the|your|that|those|these) (?:\w+ )?(?:numbers?|figures?|estimates?|savings?|\d+ ?%)|"
    r"(?:questioned|questions|doubts?|doubted|challenged|disputes?|disputed|pushed back on) "
    r"(?:the|your|our|that|those|these) (?:\w+ )?(?:numbers?|figures?|estimates?|savings?|"
    r"assumptions?|business case|\d+ ?%)"
)
# The customer saying they have no measurement: counted only in the customer's own words.
UNMEASURED = any_words(
    r"never (?:been )?measured|(?:not|n['’]t) (?:been |yet )?measured|"
    r"(?:don['’]t|do not|does not|doesn['’]t|never) (?:measure|track)|"
    r"no (?:baseline|data|numbers|figures|measurement)"
)
CAUSE = any_words(
    r"root[- ]cause|underlying (?:cause|reason|problem|issue)|"
    r"the (?:real |main |underlying )?(?:reason|cause) (?:is|was|being|why|for)|"
    r"because(?: of)?|caused by|comes? from|stems? from|driven by|results? from|due to|"
    r"(?:no ?one|nobody|no one) (?:owns|is responsible|takes ownership)|"
    r"no (?:owner|single owner|clear owner|one responsible)|"
    r"(?:lack|absence) of (?:an? |any |clear )?(?:owner|ownership|process|standard)"
)
# Cues that name a cause on their own, with no problem word needed in the sentence.
_NAMED_CAUSE = re.compile(
    r"\b(?:root|underlying|reason|cause|owns|owner|responsible|ownership)\b", re.IGNORECASE
)
PROBLEM = any_words(
    r"problems?|issues?|mismatch\w*|(?:do|does|did)(?: not|n['’]t) match|errors?|late|delay\w*|"
    r"slow\w*|backlog|rework|fail\w*|miss\w*|wrong|stuck|complain\w*|overtime|findings?|"
    r"penalt\w*|duplicat\w*|exceptions?|bottleneck|queues?|wait\w*|chaos|argue\w*|"
    r"disputes?|credit notes?|churn|breach\w*|behind|backlogs?|takes? (?:too long|\d)"
)
SURFACE = re.compile(
    r"^\s*(?:of\s+)?(?:the\s+)?(?:(?:higher|increased|increasing|rising|growing|more|bigger|"
    r"seasonal|peak)\s+)?(?:volumes?|demand|growth|workload|orders|season|peak|busy)\b|"
    r"^\s*(?:the\s+)?volumes?\s+(?:are|is|went|have gone|were|keep)\s+(?:up|rising|growing)|"
    r"^\s*(?:we|they)\s+(?:are|were|got)\s+busy",
    re.IGNORECASE,
)
NO_CAUSE = any_words(
    r"(?:root )?cause(?: is| was|:)? (?:unknown|unclear|not (?:known|clear|yet))|"
    r"(?:nobody|no one) (?:asked|knows|knew) why|(?:do|does|did)(?: not|n['’]t) know why|"
    r"no (?:root )?cause (?:found|identified|yet)"
)
# A cause raised as a question or a guess, not diagnosed: "questioned whether it comes from".
OPEN_CAUSE = any_words(
    r"whether|wonders?|wondered|might|may|maybe|perhaps|possibly|not sure|unsure|unclear|"
    r"could be|no agreement|not agreed|or from"
)
_NOT_A_CAUSE = re.compile(r"%|\byour\b|\bwhere\b|\bfigures?\b|\bnumbers?\b|\bestimate", re.I)
# A step of the purchase itself: why a reply or a signature is late is not why the problem exists.
DEAL_STEP = any_words(
    r"extract|reply|response|answer|signature|sign-?off|decision|approval|meeting|call|demo|"
    r"proposal|contract|redlines?|legal|procurement|purchase order|PO|kick-?off|pilot|the deal|"
    r"timeline|close date|next step|references?|security review|questionnaire"
)
# What a buyer wants from our offer is a buying criterion, not where their business should be.
_NOT_A_TARGET = any_words(r"payback|ROI|return on investment|price|pricing|discount|budget|fees?")
_STATE_LABEL = re.compile(
    r"(?:^|(?<=[.;:]\s))(?P<label>current state|current situation|situation|current process|"
    r"today|as-is|as is|before scenarios?|future state|target state|to-be|desired state)"
    r"(?:,[^:.;]{0,30}|\s+(?:per|according to) [^:.;]{0,30})?\s*:\s*(?P<value>\S[^;\n]*)",
    re.IGNORECASE,
)
_FUTURE_LABELS = ("future state", "target state", "to-be", "desired state")
NOW = any_words(
    r"today|currently|at the moment|right now|by hand|manual(?:ly)?|re-?key\w*|"
    r"in (?:Excel|spreadsheets?|a (?:shared )?spreadsheet)|(?:by|via|over) (?:e-?mail|phone)|"
    r"on paper|paper forms?|spread across"
)
_ABSENT = re.compile(r"^\s*(?:none|unknown|not (?:known|discussed|yet)|tbd|tbc|n/a|\?+)", re.I)


@dataclass(frozen=True)
class Stated:
    """One statement an element needs: what it is, whose it is, where, and the words."""

    kind: str  # metric, cause, state, future
    # metric: baseline, target, estimate (the seller's figure), disputed, unmeasured;
    # cause: cause, open (raised, not diagnosed), surface (a restated load), none;
    # state and future: described
    part: str
    owner: Owner
    who: str | None
    ref: str
    quote: str  # the sentence, verbatim
    unit: str = ""  # a metric's kind of measure: money, time, share, count, relative, bare

    @property
    def theirs(self) -> bool:
        """The customer's or the record's, not the seller's own proposal."""
        return self.owner != "seller"

    def pairs_with(self, target: Stated) -> bool:
        """A baseline and a target of the same measure: a relative target ("half") goes with
        any baseline, a bare number ("we want 2") with a baseline in the same sentence."""
        if target.unit == "bare":
            return self.quote == target.quote
        return target.unit in (self.unit, "relative")


def _unit(q: re.Match[str]) -> str:
    kind = next(k for k, v in q.groupdict().items() if v is not None)
    return "time" if kind == "words_time" else kind


def _metric(sentence: str) -> list[tuple[str, int, int, str]]:
    """Baselines and targets, (part, start, end, unit): a cue with a quantity after it within a
    few words (a baseline's may come just before its cue: "23 days on average"); a quantity
    with what it would change is a figure too (an estimate, when it is the seller's)."""
    found: list[tuple[str, int, int, str]] = []
    if not _AMOUNT.search(sentence):
        return found
    measured = [q for q in QUANTITY.finditer(sentence) if q.group("bare") is None]
    if measured and (change := IMPROVEMENT.search(sentence)):
        found.append(("figure", change.start(), change.end(), _unit(measured[0])))
    if took := TAKES.search(sentence):
        found.append(("baseline", took.start(), took.end(), "time"))
    for part, cue in (("target", TARGET), ("baseline", BASELINE)):
        if any(f[0] == part for f in found):
            continue
        for m in cue.finditer(sentence):
            after = list(QUANTITY.finditer(sentence, m.end(), m.end() + 45))
            near = sentence[max(0, after[0].start() - 40) : after[0].end()] if after else ""
            if part == "target" and _NOT_A_TARGET.search(near):
                continue  # "wants payback under 12 months" is a test of our offer
            before = [q for q in measured if m.start() - 30 <= q.start() < m.start()]
            hits = after if part == "target" else [q for q in after if q.group("bare") is None]
            if hits or (part == "baseline" and before):
                found.append((part, m.start(), m.end(), _unit((hits or before)[0])))
                break
    return found


def _cause(sentence: str) -> tuple[str, re.Match[str]] | None:
    if m := NO_CAUSE.search(sentence):
        return "none", m
    for m in CAUSE.finditer(sentence):
        if _NOT_A_CAUSE.search(sentence[max(0, m.start() - 25) : m.start()]):
            continue  # where a figure comes from is not why a problem happens
        named = _NAMED_CAUSE.search(m.group(0)) is not None
        if not named and not PROBLEM.search(sentence):
            continue
        if SURFACE.match(sentence[m.end() :]):
            return "surface", m
        clause = re.split(r"[;:]", sentence[: m.start()])[-1]
        if not named and DEAL_STEP.search(clause):
            continue  # "the extract is delayed because the team is busy": the purchase's step
        return ("open" if OPEN_CAUSE.search(clause + m.group(0)) else "cause"), m
    return None


def read_stated(ctx: DealContext, shared: DealText | None = None) -> list[Stated]:
    """Metrics, causes and current and future states in the deal's text, with their owners."""
    text = deal_text(ctx, shared)
    found: list[Stated] = []
    for src in text.sources:
        if src.planned:
            continue
        reader = Reader(src, text.people)
        spoken: Spoken | None = None
        for a, sentence in reader.sentences():
            hits: list[tuple[str, str, int, int, str]] = []
            for m in _STATE_LABEL.finditer(sentence):
                if not _ABSENT.match(m.group("value")):
                    future = m.group("label").lower() in _FUTURE_LABELS
                    kind = "future" if future else "state"
                    hits.append((kind, "described", *m.span("value"), ""))
            if not any(h[0] == "state" for h in hits) and (now := NOW.search(sentence)):
                hits.append(("state", "described", *now.span(), ""))
            hits += [
                ("metric", part, start, end, unit) for part, start, end, unit in _metric(sentence)
            ]
            if dispute := DISPUTED.search(sentence) or UNMEASURED.search(sentence):
                part = "disputed" if dispute.re is DISPUTED else "unmeasured"
                hits.append(("metric", part, *dispute.span(), ""))
            if cause := _cause(sentence):
                hits.append(("cause", cause[0], *cause[1].span(), ""))
            for kind, part, start, end, unit in hits:
                spoken = (
                    voices(src, text.people, Reader(src, text.people)) if spoken is None else spoken
                )
                owner, who = owner_of(reader, spoken, sentence, a, start, end)
                if part == "unmeasured" and owner != "customer":
                    continue  # "no figures yet" in the rep's notes is not the customer's word
                if kind == "metric" and owner == "seller" and part != "disputed":
                    part = "estimate"
                elif part == "figure":
                    continue  # the customer's figure says no more than its baseline or target
                found.append(Stated(kind, part, owner, who, src.ref, sentence, unit))
                if kind == "metric" and part in ("baseline", "target") and owner != "seller":
                    also = "state" if part == "baseline" else "future"
                    found.append(Stated(also, "described", owner, who, src.ref, sentence))
    return found
