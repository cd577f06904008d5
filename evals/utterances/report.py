"""How well the utterance classifier reads turns: `python -m evals.utterances.report [--out F.md]`.

Per label precision, recall and F1 (1) cross-validated on the training set, grouped by dialogue
(real turns) and by paraphrase group (authored ones), with the shipped head's context, C and
lexical head settings (averaged in as training does), and
each label's threshold chosen inside the training folds' scores as `train` does; and (2) on the
held-out labelled turns with the shipped head: heldout.jsonl and fresh.jsonl (dialogues never
used for training or tuning; fresh.jsonl was scored by the final model only). The headline is
resistance-or-any-objection (the union of those labels) F1. The phrase lists (the fallback, and
what live assist and the debrief used before) are measured on the same turns. Needs ../shared
for the real turns; without it the authored set alone is reported.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from agent.contracts.utterance import UTTERANCE_LABELS
from agent.reading.objection_phrases import find_objection
from agent.reading.utterance_classifiers import PhraseClassifier
from agent.reading.utterance_head import features, load_head
from agent.reading.utterance_objections import MODEL_ALONE, PHRASE_FLOOR, objection_heard
from evals.utterances.examples import Array, Example, real, targets, training_set
from evals.utterances.metrics import best_thresholds, best_union, f1, predict, union
from evals.utterances.train import (
    embeddings,
    lexical_out_of_fold,
    out_of_fold,
    parse_blend,
    union_out_of_fold,
)

PHRASE_LABELS = {"objection." + c for c in ("price", "timing", "authority", "need", "trust")} | {
    "objection.competitor",
    "objection.status_quo",
    "objection.risk",
    "stall",
    "question",
    "buying_signal",
    "frustration",
    "other",
}


def phrases(examples: list[Example]) -> Array:
    clf = PhraseClassifier()
    scored = clf.score([(e.text, e.previous) for e in examples])
    return np.array([[k in clf.labels(s) for k in UTTERANCE_LABELS] for s in scored], dtype=bool)


def table(y: Array, model: Array, rules: Array) -> list[str]:
    rows = [
        "| label | n | precision | recall | F1 | phrase lists F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    truth = y == 1
    for j, label in enumerate(UTTERANCE_LABELS):
        p, r, f = f1(truth[:, j], model[:, j])
        rule_f1 = f"{f1(truth[:, j], rules[:, j])[2]:.2f}" if label in PHRASE_LABELS else "n/a"
        rows.append(
            f"| {label} | {int(truth[:, j].sum())} | {p:.2f} | {r:.2f} | {f:.2f} | {rule_f1} |"
        )
    p, r, f = f1(union(truth), union(model))
    rule = f1(union(truth), union(rules))[2]
    rows.append(
        f"| **resistance or objection** | {int(union(truth).sum())} | {p:.2f} | {r:.2f} | "
        f"**{f:.2f}** | {rule:.2f} |"
    )
    return rows


ALONE = (0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5)  # MODEL_ALONE candidates measured on the CV scores


def policy_said(examples: list[Example], scores: Array, alone: float = MODEL_ALONE) -> Array:
    """Whether the debrief hears an objection (objection_heard: the phrase lists and the model
    agreeing) in each turn, at a given MODEL_ALONE."""
    scores = scores[:, : len(UTTERANCE_LABELS)]  # a union head's column is not a label
    return np.array(
        [
            objection_heard(
                dict(zip(UTTERANCE_LABELS, (float(v) for v in row), strict=True)),
                find_objection(e.text),
                e.text,
                alone,
            )
            is not None
            for e, row in zip(examples, scores, strict=True)
        ]
    )


def policy(examples: list[Example], scores: Array) -> str:
    """Resistance-or-objection as the debrief decides it, on the same turns and scores."""
    p, r, f = f1(union(targets(examples) == 1), policy_said(examples, scores))
    return (
        f"As the debrief acts on it (phrase unless the model scores it below "
        f"{PHRASE_FLOOR}, the model alone at {MODEL_ALONE}): resistance-or-objection precision "
        f"{p:.2f}, recall {r:.2f}, F1 {f:.2f}."
    )


def policy_sweep(examples: list[Example], scores: Array) -> list[str]:
    """The debrief's policy at each MODEL_ALONE candidate on out-of-fold scores: how
    MODEL_ALONE is chosen (on training turns only, with a reading of the sample calls)."""
    truth = union(targets(examples) == 1)
    rows = ["| model alone at | precision | recall | F1 |", "|---:|---:|---:|---:|"]
    for alone in ALONE:
        p, r, f = f1(truth, policy_said(examples, scores, alone))
        rows.append(f"| {alone} | {p:.2f} | {r:.2f} | {f:.2f} |")
    return rows


def cross_validated(examples: list[Example], context: str, c: float) -> tuple[Array, Array]:
    """Labels from heads that never saw the turn's group; thresholds (per label, and the
    union's when the shipped head has one) chosen per fold on the other folds' out-of-fold
    scores, so no turn tunes its own threshold."""
    from sklearn.model_selection import GroupKFold

    cur, prev = embeddings(examples)
    x, y = features(cur, prev, context), targets(examples)
    groups = [e.group for e in examples]
    scores = out_of_fold(x, y, groups, c)
    blend = parse_blend(load_head().version)
    if blend is not None:
        texts = [e.text for e in examples]
        lex = lexical_out_of_fold(texts, y, groups, blend.max_features, blend.c)
        scores = (1.0 - blend.share) * scores + blend.share * lex
        resist = load_head().resist
        if resist > 0.0:
            own = union_out_of_fold(x, texts, y, groups, c, blend)
            scores = np.hstack([scores, own])
    else:
        resist = 0.0
    on = np.zeros(y.shape, dtype=bool)
    with_union = load_head().union > 0.0
    labels = scores[:, : y.shape[1]]
    for rest, test in GroupKFold(n_splits=5).split(x, y, groups):
        cut = best_union(y[rest], scores[rest], resist) if with_union else 0.0
        on[test] = predict(scores[test], best_thresholds(y[rest], labels[rest]), cut, resist)
    return on, scores


HELD_OUT = ("heldout", "fresh")  # scored with the shipped head, never trained or tuned on


def summary_table(rows: dict[str, tuple[Array, Array, Array]]) -> list[str]:
    """One line per label: F1 of the model and of the phrase lists in every measured set."""
    names = list(rows)
    head = " | ".join(f"{n} F1 | {n} phrases" for n in names)
    out = [f"| label | {head} |", "|---|" + "---:|" * (2 * len(names))]

    def cell(label: str | None, j: int | None, name: str) -> str:
        y, model, rules = rows[name]
        truth = y == 1
        if j is None:
            return (
                f"{f1(union(truth), union(model))[2]:.2f} | {f1(union(truth), union(rules))[2]:.2f}"
            )
        if not truth[:, j].any():
            return "n/a | n/a"
        rule = f"{f1(truth[:, j], rules[:, j])[2]:.2f}" if label in PHRASE_LABELS else "n/a"
        return f"{f1(truth[:, j], model[:, j])[2]:.2f} | {rule}"

    for j, label in enumerate(UTTERANCE_LABELS):
        out.append(f"| {label} | " + " | ".join(cell(label, j, n) for n in names) + " |")
    out.append(
        "| **resistance or objection** | " + " | ".join(cell(None, None, n) for n in names) + " |"
    )
    return out


def report() -> str:
    head = load_head()
    c = float(head.version.rpartition("C=")[2] or 1.0)
    train = training_set()
    y = targets(train)
    on, oof = cross_validated(train, head.context, c)
    is_real = np.array([e.source == "real" for e in train])
    reals = [e for e in train if e.source == "real"]
    rows: dict[str, tuple[Array, Array, Array]] = {"CV": (y, on, phrases(train))}
    if is_real.any():
        rows["CV real"] = (y[is_real], on[is_real], phrases(reals))
    held_lines: list[str] = []
    for split in HELD_OUT:
        held = real(split)
        if not held:
            held_lines += [
                "",
                f"{split}: no labelled real turns here (../shared or the file absent).",
            ]
            continue
        cur, prev = embeddings(held)
        scores = head.combined(features(cur, prev, head.context), [e.text for e in held])
        said = predict(scores, head.thresholds, head.union, head.resist)
        rows[split] = (targets(held), said, phrases(held))
        held_lines += [
            "",
            f"## {split} ({len(held)} real turns, never used for training or tuning)",
            "",
            *table(*rows[split]),
            "",
            policy(held, scores),
        ]
    lines = [
        "# Utterance classifier report",
        "",
        f"Head: context `{head.context}`, data `{head.version}`, union threshold {head.union:.2f}, "
        f"union head's share of it {head.resist}.",
        "",
        "## F1 per label: cross-validated (CV, 5 folds by dialogue or paraphrase group), "
        "held out, and the phrase lists on the same turns",
        "",
        *summary_table(rows),
        "",
        f"## Cross-validated on the training set ({len(train)} turns, 5 folds by group)",
        "",
        *table(*rows["CV"]),
        "",
        policy(train, oof),
        "",
        "The debrief's policy at other MODEL_ALONE values, on the same out-of-fold scores:",
        "",
        *policy_sweep(train, oof),
    ]
    if "CV real" in rows:
        lines += [
            "",
            f"Real turns only ({int(is_real.sum())}, same folds):",
            "",
            *table(*rows["CV real"]),
        ]
    return "\n".join(lines + held_lines) + "\n"


def markdown_command(build: Callable[[], str], doc: str, argv: list[str] | None) -> int:
    """`--out FILE.md`: print the markdown `build` writes, and keep a copy (report and cards)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the markdown here too")
    args: Any = parser.parse_args(argv)
    text = build()
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    return markdown_command(report, __doc__ or "", argv)


if __name__ == "__main__":
    raise SystemExit(main())
