"""Logistic regression and the scoring rules used to judge it, in plain numpy.

No sklearn or scipy: the model is small (tens of features, thousands of deals), Newton steps
converge in a handful of iterations, and every number stays reproducible on any machine.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from agent.contracts.probability import ReliabilityBin

Array = NDArray[np.float64]
BINS = 10


def auc(scores: Array, labels: Array) -> float | None:
    """Probability a random won deal outscores a random lost one (ties count half)."""
    pos = int(labels.sum())
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return None
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks = (ends - (counts - 1) / 2.0)[inverse]
    return float((ranks[labels == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def brier(probs: Array, labels: Array) -> float:
    return float(np.mean((probs - labels) ** 2))


def reliability(probs: Array, labels: Array, bins: int = BINS) -> list[ReliabilityBin]:
    """Equal-width bins of predicted probability; a calibrated model's rows sit on the diagonal."""
    index = np.minimum((probs * bins).astype(int), bins - 1)
    table = []
    for b in range(bins):
        mask = index == b
        n = int(mask.sum())
        table.append(
            ReliabilityBin(
                bin=b + 1,
                lower=b / bins,
                upper=(b + 1) / bins,
                count=n,
                mean_predicted=float(probs[mask].mean()) if n else None,
                observed_rate=float(labels[mask].mean()) if n else None,
            )
        )
    return table


def fit_logistic(x: Array, y: Array, l2: float, iterations: int = 50) -> tuple[float, Array]:
    """(intercept, weights) by Newton steps; the intercept is not penalised."""
    n, d = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    transposed = np.ascontiguousarray(design.T)  # BLAS is far faster on contiguous operands
    rate = min(max(float(y.mean()), 1e-6), 1 - 1e-6)
    w = np.zeros(d + 1)
    w[0] = np.log(rate / (1 - rate))
    penalty = np.full(d + 1, l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -30, 30)))
        grad = transposed @ (p - y) + penalty * w
        hess = (transposed * (p * (1 - p))) @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return float(w[0]), w[1:]


__all__ = ["BINS", "Array", "auc", "brier", "fit_logistic", "reliability"]
