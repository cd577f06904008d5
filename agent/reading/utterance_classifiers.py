"""The two utterance classifiers: the trained head over MiniLM embeddings (ModelClassifier,
each text embedded once and recent ones kept) and the phrase lists' fallback
(PhraseClassifier), behind one protocol (Classifier).

Live assist, the debrief and chat take either; which one runs is decided once
(utterances.utterance_classifier).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Protocol

import numpy as np

from agent.contracts.conversation_metrics import ObjectionCategory
from agent.contracts.utterance import (
    OBJECTION_LABELS,
    UTTERANCE_LABELS,
    ClassifyMethod,
    UtteranceLabel,
)
from agent.memo import Recent
from agent.reading.objection_phrases import find_objection
from agent.reading.talk_cues import BUYING_SIGNALS, FRUSTRATION, STALL, questions
from agent.reading.utterance_head import Head, Vector, features
from agent.reading.utterance_scores import Scores, copy_scores, on_labels, scored_rows

CACHE_SIZE = 256  # embeddings kept by text: the previous turn is the one just embedded
# The phrase categories that the classifier's one "risk" label covers.
RISK_CATEGORIES: tuple[ObjectionCategory, ...] = ("security", "implementation", "contract")


class Classifier(Protocol):
    method: ClassifyMethod

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[Scores]: ...

    def labels(self, scores: Scores) -> list[UtteranceLabel]: ...

    def prepare(self, texts: Sequence[str]) -> None: ...


class ModelClassifier:
    """The head over MiniLM embeddings. `embed` maps texts to unit rows (minilm().embed)."""

    method: ClassifyMethod = "model"

    def __init__(self, head: Head, embed: Callable[[list[str]], Vector]) -> None:
        self.head = head
        self.embed = embed
        self.cache: OrderedDict[str, Vector] = OrderedDict()
        # a whole batch's scores, by its pairs: the same call debriefed again is looked up
        self.batches: Recent[tuple[tuple[str, str], ...], list[Scores]] = Recent(maxsize=8)
        self.threshold = dict(zip(head.labels, (float(t) for t in head.thresholds), strict=True))

    def vectors(self, texts: Iterable[str]) -> dict[str, Vector]:
        """Each distinct text embedded once; the recent ones are kept (live assist embeds a
        turn as it arrives, then needs it again as the next turn's context)."""
        wanted = list(dict.fromkeys(texts))
        missing = [t for t in wanted if t not in self.cache]
        if missing:
            for text, row in zip(missing, self.embed(missing), strict=True):
                self.cache[text] = row
        for text in wanted:
            self.cache.move_to_end(text)
        while len(self.cache) > max(CACHE_SIZE, len(wanted)):
            self.cache.popitem(last=False)
        return {t: self.cache[t] for t in wanted}

    def prepare(self, texts: Sequence[str]) -> None:
        """Embed now what a later turn will need as context (live assist: the seller's turn
        as it is heard, so a customer's reply costs one embedding, not two)."""
        self.vectors(t for t in texts if t)

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[Scores]:
        """(text, previous turn's text or "") -> a probability per label. A batch seen before
        (the same call debriefed again) is not scored again: its rows were made from the same
        vectors in the same batch, so they are the ones scoring would give (copies: a caller
        may change its dicts)."""
        if not pairs:
            return []
        kept = self.batches.get(tuple(pairs), partial(self._score, pairs))
        return [copy_scores(s) for s in kept]

    def _score(self, pairs: Sequence[tuple[str, str]]) -> list[Scores]:
        found = self.vectors(t for pair in pairs for t in pair if t)
        blank = np.zeros_like(next(iter(found.values())))
        cur = np.stack([found[t] if t else blank for t, _ in pairs])
        prev = np.stack([found[p] if p else blank for _, p in pairs])
        probs = self.head.combined(features(cur, prev, self.head.context), [t for t, _ in pairs])
        return scored_rows(probs, self.head.labels, self.head.resist, digits=4)

    def labels(self, scores: Scores) -> list[UtteranceLabel]:
        return on_labels(scores, self.threshold, self.head.union)


class PhraseClassifier:
    """The fallback: the phrase lists (objection_phrases.py, talk_cues.py; 1.0 when one fires)."""

    method: ClassifyMethod = "phrases"

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[Scores]:
        return [self._one(text) for text, _ in pairs]

    def prepare(self, texts: Sequence[str]) -> None:
        """Nothing to prepare: phrases need no context."""

    @staticmethod
    def _one(text: str) -> Scores:
        found: Scores = {}
        match = find_objection(text)
        if match is not None:
            category = "risk" if match.category in RISK_CATEGORIES else match.category
            found[label_of(category)] = 1.0
        cues: tuple[tuple[UtteranceLabel, re.Pattern[str]], ...] = (
            ("stall", STALL),
            ("frustration", FRUSTRATION),
            ("buying_signal", BUYING_SIGNALS),
        )
        for label, pattern in cues:
            if pattern.search(text):
                found[label] = 1.0
        if questions(text):
            found["question"] = 1.0
        return found

    def labels(self, scores: Scores) -> list[UtteranceLabel]:
        return [k for k in UTTERANCE_LABELS if scores.get(k, 0.0) >= 1.0] or ["other"]


def label_of(category: str) -> UtteranceLabel:
    """ "price" -> "objection.price" (an unknown category is a risk)."""
    name = f"objection.{category}"
    return next((k for k in OBJECTION_LABELS if k == name), "objection.risk")
