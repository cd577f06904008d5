"""From a head's probabilities to labels: a turn's scores per label, how likely it resists
in any way (the noisy-or of the objection and resistance labels, or the union head's say), and
which labels are on at their thresholds.

Predicting decides one turn at a time (on_labels, plain Python); training and the report decide
thousands of rows (decide) by the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from agent.contracts.utterance import OBJECTION_LABELS, UtteranceLabel
from agent.reading.utterance_head import Vector

Scores = dict[UtteranceLabel, float]
# The labels whose union the classifier decides as one (resistance or any objection).
UNION: tuple[UtteranceLabel, ...] = (*OBJECTION_LABELS, "resistance")


class Scored(dict[UtteranceLabel, float]):
    """A turn's probability per label (a plain dict to every caller) that also carries
    `resists`, the union head's say on whether the turn resists, when the head ships one."""

    __slots__ = ("own",)

    def __init__(self, scores: Iterable[tuple[UtteranceLabel, float]], own: float | None) -> None:
        super().__init__(scores)
        self.own = own


def copy_scores(scores: Scores) -> Scores:
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
