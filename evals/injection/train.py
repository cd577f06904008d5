"""Train the learned injection signal's head, and report it against the rules.

    python -m evals.injection.train [--report-only]

The head (agent/model/injection_head.py) is one logistic regression over the MiniLM embedding
of each reading of a text (agent/model/normalise.py's views; a text scores its highest view).
It learns from the TRAIN part of the injection suite (evals/injection/cases.jsonl), split by
case family so that an attack's carriers and obfuscations, or a look-alike's four carriers,
stay on one side, plus the authored sales turns of evals/utterances/ as more benign text.
(Sentences of the shipped knowledge as more benign text were tried: fewer fresh attacks found,
the same false alarm.) MiniLM reads English: the signal scores only texts that read as English
(`reads_english`); the rules cover the other languages. The
EVAL part of the suite and `fresh.jsonl` (attacks and look-alikes written after the rules, in
other words than the suite's) are never trained on: they are what the report measures.

The threshold is chosen on out-of-fold scores of the training part: the lowest that keeps
benign training texts flagged at most `MAX_BENIGN` of the time, so that, added to the rules,
false alarms stay within the suite's 2 %.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from agent.model.injection import rule_findings
from agent.model.injection_head import HEAD_FILE, InjectionHead, load_head, readings
from agent.model.normalise import views
from evals.injection.cases import CARRIERS, Case, load_cases
from evals.injection.payloads import ATTACKS, OBFUSCATED

Array = npt.NDArray[Any]
FRESH = Path(__file__).with_name("fresh.jsonl")
AUTHORED = Path(__file__).parent.parent / "utterances" / "authored.jsonl"
EVAL_SHARE = 4  # of 10 families go to the evaluation part
FOLDS = 5
C = 4.0
MAX_BENIGN = 0.005


def family(case: Case) -> str:
    """Cases that are look-alikes of one another: an attack with its obfuscations on every
    carrier, or one benign text on every carrier."""
    n = int(case.id.rsplit("-", 1)[1][1:])
    if not case.attack:
        return f"b{n}"
    if n < len(ATTACKS):
        return f"a{n}"
    return f"a{OBFUSCATED[(n - len(ATTACKS)) % len(OBFUSCATED)]}"


def is_eval(name: str) -> bool:
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10 < EVAL_SHARE


def split(cases: Sequence[Case]) -> tuple[list[Case], list[Case]]:
    train = [c for c in cases if not is_eval(family(c))]
    return train, [c for c in cases if is_eval(family(c))]


def fresh() -> list[tuple[bool, str]]:
    rows = [json.loads(line) for line in FRESH.read_text(encoding="utf-8").splitlines() if line]
    return [(bool(r["attack"]), str(r["text"])) for r in rows]


def authored() -> list[str]:
    lines = AUTHORED.read_text(encoding="utf-8").splitlines()
    return [str(json.loads(line)["text"]) for line in lines if line.strip()]


def training_rows(train: Sequence[Case]) -> tuple[list[str], Array, list[str]]:
    """(text, label, group) for every view of every training case, and the authored turns."""
    texts, labels, groups = [], [], []
    for case in train:
        for view in views(case.text):
            texts.append(view)
            labels.append(int(case.attack))
            groups.append(family(case))
    for i, text in enumerate(authored()):
        texts.append(views(text)[0])
        labels.append(0)
        groups.append(f"u{i // 25}")
    return texts, np.array(labels), groups


def fit(x: Array, y: Array) -> tuple[Array, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def threshold(x: Array, y: Array, groups: list[str]) -> float:
    """The lowest threshold whose out-of-fold benign rate is at most MAX_BENIGN."""
    from sklearn.model_selection import GroupKFold

    scores = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        w, b = fit(x[tr], y[tr])
        scores[te] = InjectionHead(w, b, 1.0, "").scores(x[te])
    benign = np.sort(scores[y == 0])
    k = int(np.floor(MAX_BENIGN * len(benign)))
    return float(min(0.99, benign[len(benign) - 1 - k] + 1e-6))


def embedder() -> Callable[[list[str]], dict[str, Array]]:
    from evals.utterances.train import embed_all

    return lambda texts: embed_all(set(texts))


def train(out: Path = HEAD_FILE) -> InjectionHead:
    cases = load_cases()
    tr, _ = split(cases)
    texts, y, groups = training_rows(tr)
    rows = embedder()(texts)
    x = np.stack([rows[t] for t in texts])
    weights, bias = fit(x, y)
    digest = hashlib.sha256("\n".join(sorted(set(texts))).encode()).hexdigest()[:12]
    head = InjectionHead(weights, bias, threshold(x, y, groups), f"{digest}-c{C}")
    head.save(out)
    return head


def _flags(head: InjectionHead, texts: Sequence[str]) -> tuple[list[bool], list[bool]]:
    """(rules, learned) per text."""
    every = [v for t in texts for v in readings(t)]
    rows = embedder()(every)
    learned = [
        bool(readings(t))
        and bool(head.scores(np.stack([rows[v] for v in readings(t)])).max() >= head.threshold)
        for t in texts
    ]
    return [bool(rule_findings(t)) for t in texts], learned


def _line(name: str, attack: list[bool], rules: list[bool], learned: list[bool]) -> str:
    def rate(flags: list[bool], want: bool) -> str:
        chosen = [f for f, a in zip(flags, attack, strict=True) if a == want]
        return f"{100 * sum(chosen) / len(chosen):.1f} %" if chosen else "n/a"

    both = [r or m for r, m in zip(rules, learned, strict=True)]
    n_a, n_b = sum(attack), len(attack) - sum(attack)
    cells = [rate(f, w) for f in (rules, learned, both) for w in (True, False)]
    return f"| {name} | {n_a} | {n_b} | " + " | ".join(cells) + " |"


def report(head: InjectionHead) -> str:
    _, ev = split(load_cases())
    lines = [
        f"Head {head.version}, threshold {head.threshold:.3f}. Detection / false alarms:",
        "",
        "| part | attacks | benign | rules det. | rules f.a. | learned det. | learned f.a. "
        "| both det. | both f.a. |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for carrier in CARRIERS:
        mine = [c for c in ev if c.carrier == carrier]
        rules, learned = _flags(head, [c.text for c in mine])
        lines.append(_line(f"eval: {carrier}", [c.attack for c in mine], rules, learned))
    rows = fresh()
    rules, learned = _flags(head, [t for _, t in rows])
    lines.append(_line("fresh (written after)", [a for a, _ in rows], rules, learned))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report-only", action="store_true", help="Report the shipped head")
    args = parser.parse_args(argv)
    head = load_head() if args.report_only else train()
    if head is None:
        raise SystemExit(f"no head at {HEAD_FILE}: run without --report-only")
    print(report(head), end="")


if __name__ == "__main__":
    main()
