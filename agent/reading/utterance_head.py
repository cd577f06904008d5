"""The utterance classifier's trained head: one logistic regression per label over a turn's
features, with a lexical head over its n-grams averaged in, saved as numpy arrays (no pickle);
and the features it reads (the turn's embedding joined with the previous turn's).

Training (evals/utterances/train.py) writes what predicting reads, so both use this one
definition of the arrays and of how two turns are joined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from agent.contracts.utterance import UTTERANCE_LABELS, UtteranceLabel
from agent.reading.ngrams import Lexical

Vector = npt.NDArray[np.float32]
HEAD_FILE = Path(__file__).parent / "data" / "utterance_head.npz"


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
        mixed = (1.0 - self.blend) * sigmoid(dense) + self.blend * sigmoid(lexical)
        if self.resist > 0.0:
            mixed[:, -1] = sigmoid(dense[:, -1] + lexical[:, -1])
        return np.asarray(mixed, dtype=np.float32)


def sigmoid(z: Vector) -> Vector:
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
