"""How well out-of-fold scores decide: F1, each label's best threshold, the union threshold on
`resists`, and the labels as the classifier decides them (agent.reading.utterance_scores), so
training chooses and the report measures with the same code.
"""

from __future__ import annotations

import numpy as np

from agent.contracts.utterance import UTTERANCE_LABELS
from agent.reading.utterance_scores import UNION, decide, resists, scored_rows
from evals.utterances.examples import Array

THRESHOLDS = np.round(np.arange(0.15, 0.91, 0.05), 2)
# The union threshold (agent.reading.utterances.decide) is searched finer: it is one number
# chosen on every training turn, and the headline depends on it.
UNION_THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.01), 2)


def f1(truth: Array, predicted: Array) -> tuple[float, float, float]:
    tp = float((truth & predicted).sum())
    p = tp / max(float(predicted.sum()), 1.0)
    r = tp / max(float(truth.sum()), 1.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_thresholds(y: Array, scores: Array) -> Array:
    """Per label, the threshold with the best out-of-fold F1 (ties: the lower one)."""
    out = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        if y[:, j].any():
            f = [f1(y[:, j] == 1, scores[:, j] >= t)[2] for t in THRESHOLDS]
            out[j] = THRESHOLDS[int(np.argmax(f))]
    return out


def predict(scores: Array, thresholds: Array, union_at: float = 0.0, resist: float = 0.0) -> Array:
    """Labels as the classifier decides them (agent.reading.utterances.decide); with a union
    head, its scores are the last column."""
    return decide(scores.astype(np.float32), thresholds, UTTERANCE_LABELS, union_at, resist)


def resist_scores(scores: Array, resist: float = 0.0) -> Array:
    """`resists` of every row, as the classifier computes it."""
    rows = scored_rows(scores.astype(np.float32), UTTERANCE_LABELS, resist)
    return np.array([resists(row) for row in rows])


def best_union(y: Array, scores: Array, resist: float = 0.0) -> float:
    """The threshold on `resists` with the best out-of-fold resistance-or-objection F1
    (ties: the lower one)."""
    said = resist_scores(scores, resist)
    truth = union(y == 1)
    f = [f1(truth, said >= t)[2] for t in UNION_THRESHOLDS]
    return float(UNION_THRESHOLDS[int(np.argmax(f))])


def decided(y: Array, scores: Array, resist: float = 0.0) -> Array:
    """predict with thresholds (per label and the union's) chosen on these scores."""
    labels = scores[:, : y.shape[1]]
    return predict(scores, best_thresholds(y, labels), best_union(y, scores, resist), resist)


def union(matrix: Array) -> Array:
    cols = [UTTERANCE_LABELS.index(k) for k in UNION]
    return np.asarray(matrix[:, cols].any(axis=1))


def summary(y: Array, on: Array) -> dict[str, float]:
    per = [f1(y[:, j] == 1, on[:, j])[2] for j in range(y.shape[1]) if y[:, j].any()]
    return {
        "macro_f1": round(float(np.mean(per)), 4),
        "union_f1": round(f1(union(y == 1), union(on))[2], 4),
    }
