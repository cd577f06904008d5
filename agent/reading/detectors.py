"""Live-assist detectors: small named functions over one utterance and the recent context.

Each detector answers one question about the utterance just heard ("is this an objection?",
"did someone new start talking?") and returns a Trigger or None. Detectors look only at words
and timing, with the shared phrase patterns of agent.reading.patterns, so the live path
and the post-call metrics agree on what counts as an objection; turning a trigger into advice
is the live assist engine's job (capabilities/live_assist/engine.py). Everything here is
regular expressions and a few counters, so a detector costs microseconds and a 45-minute
meeting costs the same per utterance at minute 44 as at minute 1.

Thresholds, chosen for a sales call and kept here so a coach can argue with them:

- stall: SHORT_REPLY_TURNS customer replies in a row of at most SHORT_REPLY_WORDS words each
  ("Yes." "Fine." "Sure, maybe."), or a silence of SILENCE_GAP_S seconds or more between two
  utterances when the transcript has timestamps, or a stalling phrase ("let me think about it",
  "send me some info"). Without an end time, an utterance is assumed to last WORDS_PER_SECOND.
- new participant: a customer-side speaker heard for the first time after the opening
  (OPENING_S seconds, or OPENING_UTTERANCES utterances without timestamps). Those who speak in
  the opening are the meeting's attendees, whom the rep prepared for with the brief.
- technical question: a customer sentence ending in "?" with a TECHNICAL word in it.

Flood control (Throttle), in meeting time when the transcript has timestamps, else utterances:
- de-duplication: the same kind and key (an objection category, a competitor, a person) gets
  no second card within DEDUP_WINDOW_S seconds (DEDUP_WINDOW_UTTERANCES utterances);
- rate limit: at most one card per utterance and one per MIN_GAP_S seconds (MIN_GAP_UTTERANCES
  utterances). When the window opens, what the current utterance fired comes first (by
  kind: DETECTORS order); triggers held back meanwhile (one per kind and key) follow while
  no older than HOLD_S seconds (HOLD_UTTERANCES), so a late joiner or a technical question is
  not lost behind a burst of objections, and a stale card never outranks a fresh one.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agent.contracts.conversation import Utterance
from agent.contracts.cues import CueKind
from agent.contracts.utterance import UtteranceLabel
from agent.reading.competitors import Competitors
from agent.reading.objection_phrases import find_objection
from agent.reading.talk_cues import (
    BUYING_SIGNALS,
    FRUSTRATION,
    PRICING_TALK,
    STALL,
    questions,
    sentences,
)
from agent.reading.utterance_classifiers import Classifier
from agent.reading.utterance_objections import agrees, objection_heard, phrase_kept
from agent.reading.utterance_scores import UNION, Scores

SHORT_REPLY_WORDS = 4
SHORT_REPLY_TURNS = 3
SILENCE_GAP_S = 15.0
WORDS_PER_SECOND = 2.5  # about 150 words a minute, to estimate an utterance's end
OPENING_S = 60.0
OPENING_UTTERANCES = 6
EXCERPT_CHARS = 160
DEDUP_WINDOW_S, DEDUP_WINDOW_UTTERANCES = 300.0, 60
MIN_GAP_S, MIN_GAP_UTTERANCES = 30.0, 5
HOLD_S, HOLD_UTTERANCES = 60.0, 10
Moment = tuple[int, float | None]  # (utterance index, seconds from the start)

TECHNICAL = re.compile(
    r"\b(?:integrat\w*|apis?|sso|saml|oauth|okta|azure ad|security|secure|encrypt\w*|erp|sap|"
    r"oracle|netsuite|data|database|connectors?|webhooks?|on-?prem\w*|cloud|hosting|hosted|"
    r"residency|gdpr|soc ?2|iso ?27001|pen(?:etration)? test\w*|uptime|sla|latency|"
    r"architecture|sandbox|migrat\w*|audit (?:trail|log)s?|permissions?|roles? based|rbac|"
    r"single sign-?on|load|volumes?|scal\w+|backups?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Trigger:
    """A detector fired: on which utterance, about what (key), and the words that did it."""

    kind: CueKind
    key: str
    detector: str
    excerpt: str
    utterance: Utterance


@dataclass
class Recent:
    """What detectors remember between utterances; bounded, so cost per utterance is flat.
    `competitors` is who the meeting may name (agent.reading.competitors.deal_competitors)."""

    competitors: Competitors = field(default_factory=Competitors)
    classifier: Classifier | None = None
    previous: Utterance | None = None
    seen: set[str] = field(default_factory=set)
    short_replies: deque[bool] = field(default_factory=lambda: deque(maxlen=SHORT_REPLY_TURNS))
    first_start_s: float | None = None
    competitor_re: re.Pattern[str] = field(init=False)
    _heard: tuple[Utterance, tuple[list[UtteranceLabel], Scores]] | None = field(
        default=None, init=False
    )

    def __post_init__(self) -> None:
        self.competitor_re = self.competitors.pattern

    def heard(self, u: Utterance) -> tuple[list[UtteranceLabel], Scores] | None:
        """The classifier's labels and scores for a customer utterance (computed once, with
        the previous turn as context), or None when the phrase lists decide: no model, or it
        fell back to them, or the seller spoke."""
        clf = self.classifier
        if clf is None or clf.method != "model" or not customer(u):
            return None
        if self._heard is None or self._heard[0] is not u:
            previous = self.previous.text if self.previous is not None else ""
            scores = clf.score([(u.text, previous)])[0]
            self._heard = (u, (list(clf.labels(scores)), scores))
        return self._heard[1]

    def kept(self, u: Utterance, labels: Sequence[UtteranceLabel]) -> bool:
        """Whether a phrase's match on `u` counts without asking the model (phrase_kept: its
        words alone put the labels' score above the floor), so nothing is embedded for it."""
        clf = self.classifier
        return clf is not None and clf.method == "model" and phrase_kept(clf, u.text, labels)

    def observe(self, utterance: Utterance) -> None:
        """Called by the engine after the detectors ran on `utterance`."""
        self.seen.add(speaker_key(utterance))
        if customer(utterance):
            self.short_replies.append(len(utterance.text.split()) <= SHORT_REPLY_WORDS)
        if self.first_start_s is None and utterance.start_s is not None:
            self.first_start_s = utterance.start_s
        self.previous = utterance


Detector = Callable[[Utterance, Recent], Trigger | None]


def customer(u: Utterance) -> bool:
    """Unmapped speakers count as the customer: missing a cue is worse than an extra one."""
    return u.side != "seller"


def speaker_key(u: Utterance) -> str:
    return u.person_id or u.speaker.strip().lower()


def excerpt(text: str, at: int = 0) -> str:
    """The sentence holding position `at`, cut to EXCERPT_CHARS: the card's 'why'."""
    pos = 0
    for sentence in sentences(text) or [text]:
        found = text.find(sentence, pos)
        pos = found + len(sentence) if found >= 0 else pos
        if pos > at:
            return sentence if len(sentence) <= EXCERPT_CHARS else sentence[:EXCERPT_CHARS] + "…"
    return text[:EXCERPT_CHARS]


def _phrase(
    u: Utterance, pattern: re.Pattern[str], kind: CueKind, key: str, name: str
) -> Trigger | None:
    m = pattern.search(u.text) if customer(u) else None
    return Trigger(kind, key, name, excerpt(u.text, m.start()), u) if m else None


def detect_objection(u: Utterance, recent: Recent) -> Trigger | None:
    """A customer objection; the key is its category (price, timing, authority …). Live, the
    classifier only rules a phrase's match out (a question, praise: see agrees): embedding
    every turn would cost more than the 50 ms budget allows on a busy machine, so the model
    alone raises objections in the debrief only."""
    found = find_objection(u.text, recent.competitors.phrases) if customer(u) else None
    heard = recent.heard(u) if found is not None and not recent.kept(u, UNION) else None
    if heard is not None and objection_heard(heard[1], found, u.text) is None:
        return None  # the model rules the phrase out (a question, praise)
    if found is None:
        return None
    return Trigger("objection", found.category, "detect_objection", excerpt(u.text, found.start), u)


def detect_competitor(u: Utterance, recent: Recent) -> Trigger | None:
    """The customer names a competitor (one on the deal, or one the knowledge has a card for);
    the key is the competitor's name, also when an alias was said."""
    m = recent.competitor_re.search(u.text) if customer(u) else None
    if m is None:
        return None
    name = recent.competitors.name_of(m.group(0))
    return Trigger("competitor", name, "detect_competitor", excerpt(u.text, m.start()), u)


def detect_pricing(u: Utterance, recent: Recent) -> Trigger | None:
    """Price, discount or terms on the customer's lips: a negotiation moment."""
    return _phrase(u, PRICING_TALK, "pricing", "pricing", "detect_pricing")


def _heard(
    u: Utterance,
    recent: Recent,
    label: UtteranceLabel,
    pattern: re.Pattern[str],
    kind: CueKind,
    also: UtteranceLabel | None = None,
) -> Trigger | None:
    """A phrase on a customer utterance, unless the classifier rules it out (agrees) by the
    label's score, or the better of it and `also` (a label that reads the same moment)."""
    phrase = _phrase(u, pattern, kind, kind, f"detect_{kind}")
    labels = (label, also or label)
    heard = recent.heard(u) if phrase is not None and not recent.kept(u, labels) else None
    score = max(heard[1].get(k, 0.0) for k in labels) if heard else 0.0
    if heard is not None and not agrees(score, phrase=True):
        return None
    return phrase


def detect_frustration(u: Utterance, recent: Recent) -> Trigger | None:
    return _heard(u, recent, "frustration", FRUSTRATION, "frustration")


def detect_decision(u: Utterance, recent: Recent) -> Trigger | None:
    """Buying signals: the customer asks about next steps, start dates or paperwork."""
    return _heard(u, recent, "buying_signal", BUYING_SIGNALS, "decision")


def detect_technical(u: Utterance, recent: Recent) -> Trigger | None:
    """A customer question with technical vocabulary; the key is the technical word."""
    if not customer(u):
        return None
    for question in questions(u.text):
        m = TECHNICAL.search(question)
        if m:
            return Trigger("technical", m.group(0).lower(), "detect_technical", question, u)
    return None


def detect_new_participant(u: Utterance, recent: Recent) -> Trigger | None:
    """A customer-side voice heard for the first time once the meeting is under way."""
    key = speaker_key(u)
    if not customer(u) or key in recent.seen:
        return None
    if u.start_s is not None and recent.first_start_s is not None:
        under_way = u.start_s - recent.first_start_s >= OPENING_S
    else:
        under_way = u.index >= OPENING_UTTERANCES
    if not under_way:
        return None
    return Trigger("new_participant", key, "detect_new_participant", excerpt(u.text), u)


def silence_before(u: Utterance, previous: Utterance | None) -> float | None:
    """Seconds of silence between the previous utterance's end and this one's start."""
    if previous is None or u.start_s is None or previous.start_s is None:
        return None
    end = previous.end_s
    if end is None:
        end = previous.start_s + len(previous.text.split()) / WORDS_PER_SECOND
    return u.start_s - end


def detect_stall(u: Utterance, recent: Recent) -> Trigger | None:
    """A stalling turn (the classifier's label, else a phrase), a run of very short customer
    replies, or a long silence. A stalling phrase the model reads as a timing objection ("wait
    until after the go-live") is still a deferral: either label keeps it."""
    if (said := _heard(u, recent, "stall", STALL, "stall", also="objection.timing")) is not None:
        return said
    short = len(u.text.split()) <= SHORT_REPLY_WORDS
    run = [*recent.short_replies, short][-SHORT_REPLY_TURNS:]
    if customer(u) and len(run) == SHORT_REPLY_TURNS and all(run):
        return Trigger("stall", "stall", "detect_stall", excerpt(u.text), u)
    gap = silence_before(u, recent.previous)
    if gap is not None and gap >= SILENCE_GAP_S:
        return Trigger("stall", "stall", "detect_stall", f"{gap:.0f} s of silence", u)
    return None


# Priority order when several wait for one card: objections first; then the rare moments that
# lose their value if late (a person joining, frustration, a buying signal); then the rest.
DETECTORS: tuple[Detector, ...] = (
    detect_objection,
    detect_new_participant,
    detect_frustration,
    detect_decision,
    detect_competitor,
    detect_technical,
    detect_pricing,
    detect_stall,
)
PRIORITY = {d.__name__.removeprefix("detect_"): i for i, d in enumerate(DETECTORS)}


def detect(u: Utterance, recent: Recent) -> list[Trigger]:
    """Every detector's trigger for `u`, in priority order (the caller calls observe after)."""
    return [t for d in DETECTORS if (t := d(u, recent)) is not None]


def _within(then: Moment, now: Moment, seconds: float, count: int) -> bool:
    """Meeting time when both moments have it, else the number of utterances in between."""
    if then[1] is not None and now[1] is not None:
        return now[1] - then[1] < seconds
    return now[0] - then[0] < count


@dataclass
class Throttle:
    """Which triggers may become a card now: de-duplicated and rate-limited (see above)."""

    fired: dict[tuple[str, str], Moment] = field(default_factory=dict)
    last: Moment | None = None
    held: list[Trigger] = field(default_factory=list)

    def admit(self, triggers: list[Trigger], now: Moment) -> list[Trigger]:
        """Candidates best first; none while the rate limit holds (they wait, one per key)."""
        waiting = [h for h in self.held if _within(_moment(h), now, HOLD_S, HOLD_UTTERANCES)]
        fresh: dict[tuple[str, str], Trigger] = {}
        for t in [*triggers, *waiting]:  # the latest utterance with a key speaks for it
            if not self._seen(t, now):
                fresh.setdefault((t.kind, t.key), t)
        # What is being said now first, then what waited: best kind first, newest first.
        ranked = sorted(
            fresh.values(),
            key=lambda t: (t not in triggers, PRIORITY[t.kind], -t.utterance.index),
        )
        self.held = ranked
        if self.last and _within(self.last, now, MIN_GAP_S, MIN_GAP_UTTERANCES):
            return []
        return ranked

    def shown(self, trigger: Trigger, now: Moment) -> None:
        self.last = now
        self.fired[(trigger.kind, trigger.key)] = now
        self.held = [h for h in self.held if (h.kind, h.key) != (trigger.kind, trigger.key)]

    def _seen(self, t: Trigger, now: Moment) -> bool:
        fired = self.fired.get((t.kind, t.key))
        return fired is not None and _within(fired, now, DEDUP_WINDOW_S, DEDUP_WINDOW_UTTERANCES)


def _moment(t: Trigger) -> Moment:
    return (t.utterance.index, t.utterance.start_s)
