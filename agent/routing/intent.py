"""The offline intent classifier: which capability a chat message asks for, with no model.

A TF-IDF nearest-neighbour classifier over the authored utterances in `intents.yaml`
(Snowball stems, word unigrams and bigrams, cosine similarity; methodology names become one
token). An intent's score weighs its closest utterance three quarters and its second closest a
quarter, so one lucky word overlap rarely wins; the confidence is that score. Below the file's
threshold the chat asks what the rep means instead of guessing.

Slots (deal id, rep id, a quoted objection, a methodology name) are read from the message with
patterns (message_slots.py): they are identifiers, not meaning. The terms compared are in
intent_features.py, the intents file and its parsing in intent_file.py.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from agent.routing.intent_features import features
from agent.routing.intent_file import INTENTS_FILE, IntentFile, load_intents
from agent.routing.message_slots import WORD, Slots, extract_slots, only_an_id, without_ids

HELP, SMALLTALK, FOLLOWUP, UNKNOWN = "help", "smalltalk", "followup", "unknown"
# Learnt from examples (intents.yaml) like any intent, reported as UNKNOWN: see `decide`.
OFF_TOPIC = "off_topic"


class Intent(BaseModel):
    name: str = Field(description="A capability, 'help', 'smalltalk' or 'unknown'.")
    confidence: float = Field(ge=0, le=1)
    runner_up: str | None = None
    choices: list[str] = Field(
        default_factory=list, description="When unsure: the two likeliest intents, to ask."
    )
    slots: Slots = Field(default_factory=Slots)


class IntentClassifier:
    def __init__(self, spec: IntentFile) -> None:
        self.spec = spec
        self.labels: list[str] = []
        docs: list[list[str]] = []
        for name, intent in spec.intents.items():
            for utterance in intent.utterances:
                self.labels.append(name)
                docs.append(features(utterance))
        df = Counter(term for doc in docs for term in set(doc))
        n = len(docs)
        self.idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
        self.vectors = [self._vector(doc) for doc in docs]

    @property
    def threshold(self) -> float:
        return self.spec.threshold

    def _vector(self, terms: list[str]) -> dict[str, float]:
        counts = Counter(t for t in terms if t in self.idf)
        weights = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def scores(self, message: str) -> dict[str, float]:
        query = self._vector(features(message))
        per_intent: dict[str, list[float]] = {}
        for label, vector in zip(self.labels, self.vectors, strict=True):
            sim = sum(w * vector.get(t, 0.0) for t, w in query.items())
            per_intent.setdefault(label, []).append(sim)
        return {label: _blend(sorted(sims, reverse=True)) for label, sims in per_intent.items()}

    def classify(self, message: str) -> Intent:
        return decide(self.scores(message), self.spec.threshold, message)


def decide(scores: dict[str, float], threshold: float, message: str) -> Intent:
    """The intent of the best score, when it reaches the threshold and the message says more
    than an id. Below it: an id alone continues the last subject (FOLLOWUP), anything else is
    UNKNOWN with the two likeliest readings to ask about. A message closest to what the chat
    cannot do (OFF_TOPIC) is UNKNOWN with nothing to offer but the list of what it can do: "do
    you mean deal strategy?" is no answer to "book me a flight"."""
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    confident = score >= threshold and bool(WORD.findall(without_ids(message).lower()))
    runner_up: str | None = None
    choices: list[str] = []
    if only_an_id(message) and (best == OFF_TOPIC or not confident):
        name = FOLLOWUP
    elif best == OFF_TOPIC:
        name = UNKNOWN
    else:
        on_topic = [n for n, _ in ranked if n != OFF_TOPIC]
        runner_up = on_topic[1] if len(on_topic) > 1 else None
        name = best if confident else UNKNOWN
        choices = [best, runner_up] if name == UNKNOWN and runner_up and score > 0 else []
    return Intent(
        name=name,
        confidence=round(min(max(score, 0.0), 1.0), 3),
        runner_up=runner_up,
        choices=choices,
        slots=extract_slots(message),
    )


def _blend(best_first: list[float]) -> float:
    """Mostly the closest utterance, partly the second: short intents ("hi") still win."""
    return 0.75 * best_first[0] + 0.25 * (best_first[1] if len(best_first) > 1 else 0.0)


class Classifier(Protocol):
    @property
    def threshold(self) -> float: ...
    def scores(self, message: str) -> dict[str, float]: ...
    def classify(self, message: str) -> Intent: ...


@cache
def classifier(path: Path = INTENTS_FILE) -> Classifier:
    return build_classifier(path)


def build_classifier(path: Path = INTENTS_FILE) -> Classifier:
    """Sentence embeddings when the MiniLM weights are installed (agent/routing/embedded.py),
    else the TF-IDF neighbours above: the chat understands less, but still runs."""
    from knowledge.embeddings import semantic_available

    if semantic_available():
        from agent.routing.embedded import EmbeddingIntentClassifier

        return EmbeddingIntentClassifier(load_intents(path))
    return IntentClassifier(load_intents(path))
