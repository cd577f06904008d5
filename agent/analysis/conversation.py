"""The conversation metrics coaches use, computed from a transcript with transparent rules.

Rules (each finding carries the utterance indices it rests on):

- talk ratio: share of words, seller versus customer (unmapped speakers count separately);
  words rather than seconds because every format has words and only some have timestamps.
- longest monologue: the longest run of consecutive utterances by one speaker, in words.
- questions: sentences ending in "?"; open when the first word (after "so", "and", "okay" …)
  is what/how/why/where/when/who/which/tell/walk/describe/explain, closed otherwise.
- objections: a customer utterance the utterance classifier (agent.reading.utterances, shared
  with live assist) labels an objection or resistance, with the turn before it as context, or
  where a phrase of agent.reading.patterns fires and the model does not rule it out
  (objection_heard); the phrase lists alone when the embedding weights are absent. One per
  utterance. Handled when the seller's next turn acknowledges it in its first
  two sentences ("I understand", "fair point") or asks a question; otherwise the seller talked
  past it (or never spoke again: no_reply). Answering straight away counts as talking past it
  on purpose: a coach wants the concern explored before it is answered.
- competitors: the names the caller passes (agent.reading.competitors: the deal's, the
  competitive agent's and the knowledge base's battle cards, with their aliases), whole words;
  one mention per competitor, in the order they are listed.
- MEDDICC: keyword rules in MEDDICC_RULES, some only on the customer's side (a number the rep
  quotes is not the customer's metric; pain the rep describes is not pain the customer owns).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from agent.contracts.conversation import Side, Transcript, Utterance
from agent.contracts.conversation_metrics import (
    CompetitorMention,
    ConversationMetrics,
    CustomerEngagement,
    HandledHow,
    MeddiccElement,
    MethodologyEvidence,
    Monologue,
    Objection,
    Question,
    QuestionStats,
    SpeakerTalk,
    TalkRatio,
)
from agent.contracts.deal import Deal
from agent.contracts.utterance import UtteranceLabels
from agent.reading.competitors import Competitors
from agent.reading.objection_phrases import find_objection
from agent.reading.speaker_mapping import map_speakers
from agent.reading.talk_cues import is_acknowledgement, question_kind, questions
from agent.reading.utterance_objections import objection_heard, words_settle
from agent.reading.utterances import classify_utterances, utterance_classifier
from agent.reading.vendor_mentions import excluded_words, vendors_named

EXCERPT_CHARS = 160
BOTH: tuple[Side, ...] = ("seller", "customer")
CUSTOMER: tuple[Side, ...] = ("customer",)
# element: (label, who must say it, rule in words, pattern)
MEDDICC_RULES: dict[MeddiccElement, tuple[str, tuple[Side, ...], str, str]] = {
    "metrics": (
        "Metrics",
        CUSTOMER,
        "the customer states a number: a percentage, money, or a count with its unit",
        r"\d[\d,.]*\s?(?:%|percent|per cent)|\$\s?\d|\b\d[\d,.]*\s?(?:[a-z]+ )?(?:k|m|million|"
        r"billion|hours?|days?|weeks?|months?|minutes?|fte|people|staff|orders?|claims?|shipments?|"
        r"exceptions?|reports?|deviations?|events?|procedures?|touches|an? (?:hour|day|week|month)|"
        r"per (?:hour|day|week|month))\b",
    ),
    "economic_buyer": (
        "Economic Buyer",
        BOTH,
        "budget owner, sign-off, CFO, approval or funding is discussed",
        r"\b(?:budget (?:owner|holder)|(?:owns|holds) the budget|sign(?:s|ed|ing)?[- ]off|signs? "
        r"(?:everything|the contract|off)|cfo|chief financial|economic buyer|final say|approv\w+|"
        r"funding|funded)\b",
    ),
    "decision_criteria": (
        "Decision Criteria",
        BOTH,
        "criteria, scorecard, weights, requirements or a pass mark",
        r"\b(?:criteri\w+|scorecard|weight(?:ed|ing|s)?|requirements?|must[- ]haves?|pass mark|"
        r"deciding factor|what matters most|evaluat\w+ (?:on|against)|success looks like)\b",
    ),
    "decision_process": (
        "Decision Process",
        BOTH,
        "how and when they decide: process, steps, timeline, who else",
        r"\b(?:(?:decision|approval|buying|purchasing|procurement|signing|legal|review) process|"
        r"who else|timeline|mutual (?:action )?plan|committee|decide by|decision (?:by|date|"
        r"meeting)|sign(?:ed)? by|redlines?|before (?:we|you) sign|steps to|signature)\b",
    ),
    "identify_pain": (
        "Identify Pain",
        CUSTOMER,
        "the customer describes a problem, delay, cost or manual work",
        r"\b(?:pain\w*|problem\w*|struggl\w+|manual(?:ly)?|spreadsheets?|re-?key\w*|rework\w*|"
        r"delay\w*|late|backlog|penalt\w+|breach\w*|overdue|errors?|bottleneck|costs? us|losing|"
        r"lost|frustrat\w+|chas(?:e|ing)|by hand|findings?|held)\b",
    ),
    "champion": (
        "Champion",
        CUSTOMER,
        "the customer offers to sell internally: take it to, make the case",
        r"\b(?:(?:i'?ll|i will|i can|let me|happy to) (?:take|bring|present|pitch|walk|share|send|"
        r"forward|push|champion|raise|introduce|set up|book|get you)\b.{0,40}"
        r"\b(?:to|with|through|internally|in front)|(?:internal|business) case|make the case|"
        r"i'?m (?:on board|behind (?:this|it|you))|"
        r"(?:advocate|sponsor|vouch) for)\b",
    ),
    "competition": (
        "Competition",
        BOTH,
        "a competitor, alternative, bake-off or in-house build is named",
        r"\b(?:competit\w+|alternatives?|other vendors?|bake-?off|in-house|build (?:it )?"
        r"(?:ourselves|internally))\b",
    ),
}
_HOW: dict[tuple[bool, bool], HandledHow] = {
    (True, True): "acknowledged_and_asked",
    (True, False): "acknowledged",
    (False, True): "asked",
    (False, False): "talked_past",
}
# One pass per utterance over the lower-cased text, a named group per element.
_MEDDICC = re.compile(
    r"(?=[\w$])(?:" + "|".join(f"(?P<{k}>{v[3]})" for k, v in MEDDICC_RULES.items()) + ")"
)


def conversation_metrics(
    transcript: Transcript, deal: Deal, competitors: Competitors
) -> ConversationMetrics:
    """Every metric for one call; maps speakers to the deal first if nobody has a side yet.
    `competitors` says who the call may name (agent.reading.competitors.deal_competitors)."""
    if all(u.side == "unknown" for u in transcript.utterances):
        transcript = map_speakers(transcript, deal)
    us = transcript.utterances
    words = [len(u.text.split()) for u in us]
    names = Competitors.of(deal.competitors) + competitors + Competitors.of(_vendors(us, deal))
    starts = [u.start_s for u in us if u.start_s is not None]
    ends = [t for u in us if (t := u.end_s if u.end_s is not None else u.start_s) is not None]
    # The lines that name any competitor, found once: only they can name one in particular.
    named = [u for u in us if names.pattern.search(u.text)]
    return ConversationMetrics(
        source=transcript.source,
        utterances=len(us),
        duration_s=round(max(ends) - min(starts), 1) if starts and ends else None,
        talk_ratio=_talk_ratio(us, words),
        longest_monologue=_longest(us, words, None),
        longest_seller_monologue=_longest(us, words, "seller"),
        seller_questions=_questions([u for u in us if u.side == "seller"]),
        objections=_objections(us, names),
        competitors=_competitors(named, names),
        methodology=_methodology(us, {u.index for u in named}),
        customer_engagement=_engagement(us),
        unmapped_speakers=list(transcript.unmapped),
    )


def _talk_ratio(us: Sequence[Utterance], words: Sequence[int]) -> TalkRatio:
    total = sum(words) or 1
    by_side = dict.fromkeys(("seller", "customer", "unknown"), 0)
    per: dict[str, list[Any]] = {}  # speaker: [first utterance, words, turns, seconds or None]
    for u, w in zip(us, words, strict=True):
        by_side[u.side] += w
        row = per.setdefault(u.speaker, [u, 0, 0, None])
        row[1] += w
        row[2] += 1
        if u.start_s is not None and u.end_s is not None:
            row[3] = (row[3] or 0.0) + max(0.0, u.end_s - u.start_s)
    mapped = by_side["seller"] + by_side["customer"]
    speakers = [
        SpeakerTalk(
            speaker=label,
            person_id=u.person_id,
            side=u.side,
            words=n,
            turns=turns,
            share=round(n / total, 3),
            seconds=None if secs is None else round(secs, 1),
        )
        for label, (u, n, turns, secs) in sorted(per.items(), key=lambda kv: -kv[1][1])
    ]
    return TalkRatio(
        seller_words=by_side["seller"],
        customer_words=by_side["customer"],
        unknown_words=by_side["unknown"],
        seller_share=round(by_side["seller"] / mapped, 3) if mapped else 0.0,
        customer_share=round(by_side["customer"] / mapped, 3) if mapped else 0.0,
        per_speaker=speakers,
    )


def _longest(us: Sequence[Utterance], words: Sequence[int], side: str | None) -> Monologue | None:
    """The longest run of consecutive utterances by one speaker (of `side`, if given)."""
    runs: list[list[int]] = []  # [first position, last position, words]
    for i, (u, w) in enumerate(zip(us, words, strict=True)):
        if runs and us[runs[-1][0]].speaker == u.speaker:
            runs[-1][1:] = [i, runs[-1][2] + w]
        else:
            runs.append([i, i, w])
    runs = [r for r in runs if side is None or us[r[0]].side == side]
    if not runs:
        return None
    first, last, n = max(runs, key=lambda r: r[2])
    start, end = us[first].start_s, us[last].end_s
    seconds = round(max(0.0, end - start), 1) if start is not None and end is not None else None
    speaker, run_side = us[first].speaker, us[first].side
    first_index, last_index = us[first].index, us[last].index
    return Monologue(
        speaker=speaker,
        side=run_side,
        words=n,
        seconds=seconds,
        first_index=first_index,
        last_index=last_index,
    )


def _questions(us: Sequence[Utterance]) -> QuestionStats:
    items = [
        Question(index=u.index, text=q, kind=question_kind(q))
        for u in us
        for q in questions(u.text)
    ]
    opened = sum(q.kind == "open" for q in items)
    return QuestionStats(
        count=len(items),
        open=opened,
        closed=len(items) - opened,
        indices=sorted({q.index for q in items}),
        items=items,
    )


def excerpt(text: str, at: int) -> str:
    """The sentence around character `at`, shortened to EXCERPT_CHARS."""
    start = max(text.rfind(c, 0, at) for c in ".!?") + 1
    ends = [i for i in (text.find(c, at) for c in ".!?") if i >= 0]
    sentence = text[start : (min(ends) + 1 if ends else len(text))].strip()
    return sentence if len(sentence) <= EXCERPT_CHARS else sentence[: EXCERPT_CHARS - 1] + "…"


def _objections(us: Sequence[Utterance], names: Competitors) -> list[Objection]:
    clf = utterance_classifier()
    theirs = [u for u in us if u.side == "customer"]
    matches = {u.index: find_objection(u.text, names.phrases) for u in theirs}
    heard: dict[int, UtteranceLabels] = {}
    if clf.method == "model":  # only the turns the words leave open are embedded
        known = words_settle(
            clf, [u.text for u in theirs], [matches[u.index] is not None for u in theirs]
        )
        open_ = {u.index for u, settled in zip(theirs, known, strict=True) if not settled}
        heard = {r.index: r for r in classify_utterances(us, "customer", clf, open_)}
    found = []
    replies = _next_seller(us)
    for i, u in enumerate(us):
        if u.side != "customer":
            continue
        match = matches[u.index]
        category = match.category if match else None  # what words_settle found known
        if u.index in heard:
            said = heard[u.index]
            category = objection_heard(said.scores, match, u.text)
        if category is None:
            continue
        reply = replies[i]
        acked = reply is not None and is_acknowledgement(reply.text)
        asked = reply is not None and bool(questions(reply.text))
        how: HandledHow = _HOW[acked, asked] if reply else "no_reply"
        found.append(
            Objection(
                index=u.index,
                speaker=u.speaker,
                category=category,
                excerpt=excerpt(u.text, match.start if match else 0),
                trigger=match.phrase if match else _labelled(heard[u.index]),
                handled=acked or asked,
                how=how,
                reply_index=reply.index if reply else None,
            )
        )
    return found


def _next_seller(us: Sequence[Utterance]) -> list[Utterance | None]:
    """For each line, the seller's first line after it (one pass from the end, so a long call
    with many objections is not searched again from each)."""
    out: list[Utterance | None] = [None] * len(us)
    following: Utterance | None = None
    for i in range(len(us) - 1, -1, -1):
        out[i] = following
        if us[i].side == "seller":
            following = us[i]
    return out


def _labelled(said: UtteranceLabels) -> str:
    """What the classifier heard, when no phrase names the words: "resistance (classifier)"
    (no score: a number in an answer must come from the input)."""
    best = max(said.labels, key=lambda k: said.scores.get(k, 0.0))
    return f"{best} (classifier)"


def _vendors(us: Sequence[Utterance], deal: Deal) -> list[str]:
    """Vendors the customer names as also in play, though neither the deal nor the known
    market lists them ("procurement asked us to look at Stackwise"): new competitors."""
    people = [c.name for c in deal.contacts] + [m.name for m in deal.team] + [deal.owner.name]
    ours = [deal.account.name, *deal.products, *dict.fromkeys(u.speaker for u in us)]
    skip = excluded_words([*people, *ours])
    return [name for u in us if u.side == "customer" for name in vendors_named(u.text, skip=skip)]


def _competitors(named: Sequence[Utterance], names: Competitors) -> list[CompetitorMention]:
    """Each competitor's mentions, among the lines that name any (`named`, in call order)."""
    mentions = []
    for name in names.names:
        pattern = names.pattern_for(name)
        hits = [u for u in named if pattern.search(u.text)]
        if hits:
            mentions.append(
                CompetitorMention(name=name, indices=[u.index for u in hits], first_by=hits[0].side)
            )
    return mentions


def elements_in(text: str) -> set[str]:
    """MEDDICC elements a piece of text speaks to, by the same rules as the call metrics (for
    reading a meeting objective such as "confirm the decision process")."""
    return {str(m.lastgroup) for m in _MEDDICC.finditer(text.lower())}


def _methodology(us: Sequence[Utterance], named: set[int]) -> list[MethodologyEvidence]:
    """`named`: the indices of the lines that name a competitor."""
    hits: dict[str, list[int]] = {element: [] for element in MEDDICC_RULES}
    for u in us:
        found = {m.lastgroup for m in _MEDDICC.finditer(u.text.lower())}
        if u.index in named:
            found.add("competition")
        for element, (_, sides, _, _) in MEDDICC_RULES.items():
            if element in found and u.side in sides:
                hits[element].append(u.index)
    return [
        MethodologyEvidence(
            element=element,
            label=label,
            evidenced=bool(hits[element]),
            rule=rule,
            indices=hits[element],
        )
        for element, (label, _, rule, _) in MEDDICC_RULES.items()
    ]


def _engagement(us: Sequence[Utterance]) -> CustomerEngagement:
    customer = [u for u in us if u.side == "customer"]
    mapped = sum(u.side != "unknown" for u in us)
    asked = [u.index for u in customer if questions(u.text)]
    return CustomerEngagement(
        questions=sum(len(questions(u.text)) for u in customer),
        question_indices=asked,
        turns=len(customer),
        turn_share=round(len(customer) / mapped, 3) if mapped else 0.0,
        speakers=len({u.speaker for u in customer}),
    )
