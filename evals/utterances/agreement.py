"""Agreement between the first labelling and a second pass over the same turns.

Two files relabel turns without consulting the first labels:
- `second_pass.jsonl`: 100 turns (10 whole dialogues) read again by the same labeller with the
  guide. It measures the labeller's own consistency, an upper bound, not agreement between people.
- `second_labeller.jsonl`: 100 turns drawn at random from both splits (seed 2026), labelled by a
  second labeller who had only the guide, each turn and its previous turn: agreement between two
  labellers, the figure to compare a classifier with.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from agent.errors import InvalidInput
from evals.utterances.load import HERE, LABELS, SPLITS, Label, read_labels, split_labels

SECOND = HERE / "second_pass.jsonl"
SECOND_LABELLER = HERE / "second_labeller.jsonl"
# file -> what the comparison means, in the order STATS.md shows them
PASSES = {
    SECOND: "same labeller, second pass (consistency, an upper bound)",
    SECOND_LABELLER: "a second labeller with the guide only (agreement between labellers)",
}
# The grouped question the classifier is judged on first: does the customer resist at all?
RESISTS = "resistance or any objection"


class Agreement(BaseModel):
    """Exact-set agreement over turns, and per label Cohen's kappa with its count in each pass."""

    turns: int
    exact: float
    kappa: dict[str, float | None]
    counts: dict[str, tuple[int, int]]


def _resists(labels: tuple[str, ...]) -> bool:
    return any(x == "resistance" or x.startswith("objection.") for x in labels)


def kappa(first: list[bool], second: list[bool]) -> float | None:
    """Cohen's kappa for one yes/no label; None when neither pass ever used it (undefined)."""
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    p1, p2 = sum(first) / n, sum(second) / n
    expected = p1 * p2 + (1 - p1) * (1 - p2)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def compare(first: list[Label], second: list[Label]) -> Agreement:
    """Agreement of `second` with the same turns in `first`; every second-pass turn must match."""
    index = {(x.dialog, x.turn): x for x in first}
    pairs: list[tuple[Label, Label]] = []
    for row in second:
        original = index.get((row.dialog, row.turn))
        if original is None or original.sha != row.sha:
            raise InvalidInput(
                "a second-pass turn has no first label with the same text hash",
                where=f"{row.dialog} turn {row.turn}",
            )
        pairs.append((original, row))
    kappas: dict[str, float | None] = {}
    counts: dict[str, tuple[int, int]] = {}
    for name in (*LABELS, RESISTS):
        a = [_has(p.labels, name) for p, _ in pairs]
        b = [_has(s.labels, name) for _, s in pairs]
        kappas[name] = kappa(a, b)
        counts[name] = (sum(a), sum(b))
    exact = sum(set(p.labels) == set(s.labels) for p, s in pairs) / len(pairs) if pairs else 0.0
    return Agreement(turns=len(pairs), exact=exact, kappa=kappas, counts=counts)


def _has(labels: tuple[str, ...], name: str) -> bool:
    return _resists(labels) if name == RESISTS else name in labels


def current(path: Path = SECOND) -> Agreement | None:
    """Agreement of a committed relabelling with the committed labels, if there is one."""
    second = read_labels(path) if path.exists() else []
    if not second:
        return None
    first = [x for split in SPLITS for x in split_labels(split)]
    return compare(first, second)
