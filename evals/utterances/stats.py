"""Writes STATS.md: how many turns carry each label in each split.

Reads only the label files (no corpus needed), so the counts can be checked on a fresh clone.
Usage: `python -m evals.utterances.stats [--check]` (--check exits 1 when STATS.md is stale).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from evals.utterances.agreement import PASSES, RESISTS, current
from evals.utterances.load import HERE, LABELS, SPLITS, split_labels

OUT = HERE / "STATS.md"


def render() -> str:
    """The STATS.md text for the label files as they are now."""
    per_split = {name: split_labels(name) for name in SPLITS}
    counts = {
        name: Counter(x for row in rows for x in row.labels) for name, rows in per_split.items()
    }
    names = list(SPLITS)
    lines = [
        "# Label counts",
        "",
        "Written by `python -m evals.utterances.stats`; do not edit by hand.",
        "",
        "| | " + " | ".join(names) + " | all |",
        "|---|" + "---:|" * (len(names) + 1),
    ]

    def row(title: str, values: list[int]) -> str:
        return f"| {title} | " + " | ".join(str(v) for v in values) + f" | {sum(values)} |"

    lines.append(row("dialogues", [len({r.dialog for r in per_split[n]}) for n in names]))
    lines.append(row("turns", [len(per_split[n]) for n in names]))
    multi = [sum(1 for r in per_split[n] if len(r.labels) > 1) for n in names]
    lines.append(row("turns with 2+ labels", multi))
    objection = [sum(1 for r in per_split[n] if _resists(r.labels)) for n in names]
    lines.append(row("resistance or any objection", objection))
    for label in LABELS:
        lines.append(row(f"`{label}`", [counts[n][label] for n in names]))
    return "\n".join(lines + _agreement()) + "\n"


def _agreement() -> list[str]:
    """The relabelling sections: the labeller against themself, and a second labeller."""
    lines: list[str] = []
    for path, meaning in PASSES.items():
        result = current(path)
        if result is None:
            continue
        lines += [
            "",
            f"## Relabelled: {meaning}",
            "",
            f"{result.turns} turns labelled twice (`{path.name}`): the same set of labels both",
            f"times on {result.exact:.0%} of them.",
            "",
            "| label | first | second | Cohen's kappa |",
            "|---|---:|---:|---:|",
        ]
        for name in (*LABELS, RESISTS):
            a, b = result.counts[name]
            k = result.kappa[name]
            title = name if name == RESISTS else f"`{name}`"
            lines.append(f"| {title} | {a} | {b} | {'n/a' if k is None else f'{k:.2f}'} |")
    return lines


def _resists(labels: tuple[str, ...]) -> bool:
    return any(x == "resistance" or x.startswith("objection.") for x in labels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when STATS.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is stale: run python -m evals.utterances.stats", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
