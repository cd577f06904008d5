"""Agreement between the first labelling and a second pass over the same turns.

`second_pass.jsonl` relabels 100 turns (10 whole dialogues) by reading them again with the guide,
without consulting the first labels. Comparing the two gives the labeller's own consistency: an
upper bound on what a classifier can be expected to reach on these labels. Same labeller both
times, so it says nothing about how a second person would label.
"""

from __future__ import annotations

from pydantic import BaseModel

from agent.errors import InvalidInput
from evals.utterances.load import HERE, LABELS, SPLITS, Label, read_labels

SECOND = HERE / "second_pass.jsonl"
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
                where=f"{SECOND.name}: {row.dialog} turn {row.turn}",
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


def current() -> Agreement | None:
    """Agreement of the committed second pass with the committed labels, if there is one."""
    second = read_labels(SECOND)
    if not second:
        return None
    first = [x for path in SPLITS.values() for x in read_labels(path)]
    return compare(first, second)
