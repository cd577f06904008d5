"""Train the utterance classifier's head: `python -m evals.utterances.train [--check]`.

Data: the authored sales utterances (authored.jsonl, grouped so paraphrases of one idea share a
fold) and the labelled real turns of train*.jsonl (joined with ../shared by load.py; grouped by
dialogue), when ../shared is there. heldout.jsonl and fresh.jsonl are never read here.

Rebuilds agent/reading/data/utterance_head.npz deterministically: the same data gives the same
file. How the previous turn joins the current one ("none", "concat:W", "mix:W") and the
regularisation C are chosen by cross-validation grouped by dialogue / paraphrase group (macro F1
over the labels plus the resistance-or-objection F1); each label's threshold is the one that
maximises its F1 on the out-of-fold scores. The lexical head (TF-IDF n-grams,
agent/reading/ngrams.py) is fitted inside the same folds and averaged in at the share the same
cross-validation chooses; the thresholds apply to the averaged scores. Whether a turn resists
(resistance or any objection, the headline) is then decided once, on the noisy-or of those
labels' averaged scores at the threshold with the best out-of-fold union F1
(agent.reading.utterances.decide). scikit-learn is needed here only: the shipped head is numpy
arrays.

--check trains into a temporary file and fails when it differs from the shipped head (CI can
tell that the head matches its data).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from agent.contracts.utterance import UTTERANCE_LABELS
from agent.reading.ngrams import Lexical, terms
from agent.reading.utterance_head import HEAD_FILE, Head, features, load_head
from evals.utterances.examples import Array, Example, targets, training_set, version
from evals.utterances.metrics import best_thresholds, best_union, decided, summary, union

# The search runs over these; what else was measured (cross-validated by dialogue on the
# training split, union F1; README "What an utterance does") lost and is not searched again
# every time: "none" and "mix:0.5" (on the first 1,922 real turns), C 0.5 and 8 and the turn's
# max-pooled token states appended (on 5,887); on 6,512 turns (2026-12-05, union F1 with the
# union threshold, thresholds chosen in the other folds): an MLP (128 hidden units, both
# turns' embeddings side by side) 0.61 alone and 0.66 averaged with the lexical head, against
# 0.64 and 0.69 for these logistic regressions; in a head trained on the union alone, the
# previous turn at weight 1.0 or classes not balanced moved its F1 by about 0.01 or less
# (README "What an utterance does").
CONTEXTS = ("concat:0.5",)
CS = (2.0,)
# The lexical head (agent/reading/ngrams.py): vocabulary cap, its C, and its share of the
# averaged probabilities, all chosen by the same cross-validation. Terms seen in fewer than
# MIN_DF turns are dropped. Measured and lost (2026-12-05, 6,512 turns, union F1 at the best
# share): 40,000 terms C 4 (0.667) and 20,000 terms C 8 (0.671) against 0.678.
LEXICAL = ((20000, 4.0),)
BLENDS = (0.3, 0.4, 0.5, 0.6, 0.7)
MIN_DF = 2
FOLDS = 5
# The union head (one logistic regression on resistance-or-any-objection itself over the
# embedding features and the lexical head's TF-IDF side by side, with the labels' context, C and
# vocabulary): its share of `resists` against the labels' noisy-or, chosen by the same
# cross-validation (0: no union head ships). Measured and lost (2026-12-05, 6,687 turns, union
# head alone, nested union F1): the two heads trained apart and averaged 0.72-0.726 against
# 0.731-0.735 side by side; unbalanced classes for its embedding part about the same.
RESISTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def embeddings(examples: list[Example]) -> tuple[Array, Array]:
    """Unit embeddings of every turn and of its previous turn (zeros when there is none)."""
    from knowledge.embeddings import DIMENSIONS

    rows = embed_all({t for e in examples for t in (e.text, e.previous) if t})
    blank = np.zeros(DIMENSIONS, dtype=np.float32)
    cur = np.stack([rows[e.text] for e in examples])
    prev = np.stack([rows[e.previous] if e.previous else blank for e in examples])
    return cur, prev


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def embed_all(texts: set[str]) -> dict[str, Array]:
    """MiniLM embeddings, kept in the state folder by a hash of the text (never the text):
    training, the report and the benchmark embed the same few thousand turns again."""
    from agent.resources import state_dir
    from knowledge.embeddings import minilm

    path = state_dir() / "cache" / "utterance-embeddings.npz"
    cached: dict[str, Array] = {}
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            cached = dict(zip((str(k) for k in data["keys"]), data["vectors"], strict=True))
    missing = sorted(t for t in texts if _key(t) not in cached)
    if missing:
        cached.update(zip((_key(t) for t in missing), minilm().embed(missing), strict=True))
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(cached)
        np.savez(path, keys=np.array(keys), vectors=np.stack([cached[k] for k in keys]))
    return {t: cached[_key(t)] for t in texts}


def fit(x: Array, y: Array, c: float) -> tuple[Array, Array]:
    """One logistic regression per label (balanced classes); a label with no example gets
    weights that never fire."""
    from sklearn.linear_model import LogisticRegression

    weights = np.zeros((y.shape[1], x.shape[1]), dtype=np.float64)
    bias = np.full(y.shape[1], -30.0)
    for j in range(y.shape[1]):
        if 0 < y[:, j].sum() < len(y):
            model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
            model.fit(x, y[:, j])
            weights[j], bias[j] = model.coef_[0], model.intercept_[0]
    return weights, bias


def probabilities(x: Array, weights: Array, bias: Array) -> Array:
    z = np.clip(x @ weights.T + bias, -30, 30)
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def out_of_fold(x: Array, y: Array, groups: list[str], c: float) -> Array:
    """Scores for every example from a head trained without its group (GroupKFold)."""
    from sklearn.model_selection import GroupKFold

    scores = np.zeros(y.shape, dtype=np.float64)
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        w, b = fit(x[train], y[train], c)
        scores[test] = probabilities(x[test], w, b)
    return scores


def vectoriser(max_features: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer=terms, min_df=MIN_DF, max_features=max_features, sublinear_tf=True
    )


def fit_lexical(texts: list[str], y: Array, max_features: int, c: float) -> tuple[Lexical, Any]:
    """The TF-IDF head over the turns' own words (the analyser prediction uses too), and the
    fitted vectoriser (training scores folds with it; the shipped head needs numpy only)."""
    vec = vectoriser(max_features)
    x = vec.fit_transform(texts)
    weights, bias = fit(x, y, c)
    lexical = Lexical(
        terms=tuple(str(t) for t in vec.get_feature_names_out()),
        idf=vec.idf_.astype(np.float32),
        weights=weights.astype(np.float16).astype(np.float32),
        bias=bias.astype(np.float32),
        sublinear=True,
    )
    return lexical, vec


def lexical_out_of_fold(
    texts: list[str], y: Array, groups: list[str], max_features: int, c: float
) -> Array:
    """The lexical head's scores for every turn from a head (and vocabulary) fitted without its
    group, with the same folds as out_of_fold."""
    from sklearn.model_selection import GroupKFold

    scores = np.zeros(y.shape, dtype=np.float64)
    for train, test in GroupKFold(n_splits=FOLDS).split(texts, y, groups):
        lexical, vec = fit_lexical([texts[i] for i in train], y[train], max_features, c)
        x = vec.transform([texts[i] for i in test])
        scores[test] = probabilities(x, lexical.weights, lexical.bias)
    return scores


def choose(
    cur: Array,
    prev: Array,
    y: Array,
    groups: list[str],
    contexts: tuple[str, ...] = CONTEXTS,
    cs: tuple[float, ...] = CS,
) -> tuple[str, float, Array, list[Any]]:
    """The context and C with the best mean of macro F1 and union F1, its out-of-fold scores,
    and every trial."""
    trials: list[dict[str, Any]] = []
    oof: dict[tuple[str, float], Array] = {}
    for context in contexts:
        x = features(cur, prev, context)
        for c in cs:
            scores = oof[context, c] = out_of_fold(x, y, groups, c)
            result = summary(y, decided(y, scores))
            trials.append({"context": context, "C": c, **result})
            print(f"  {context:11} C={c:<4} {result}", file=sys.stderr)
    best = max(trials, key=lambda t: (t["macro_f1"] + t["union_f1"], -CONTEXTS.index(t["context"])))
    context, c = str(best["context"]), float(best["C"])
    return context, c, oof[context, c], trials


@dataclass(frozen=True)
class Blend:
    """The lexical head's settings and share, chosen by cross-validation."""

    max_features: int
    c: float
    share: float

    def tag(self) -> str:
        return f"lex={self.max_features}/{self.c}/{self.share}"


def parse_blend(version: str) -> Blend | None:
    """The Blend a head's version names (the report re-runs the same cross-validation)."""
    for part in version.split():
        if part.startswith("lex="):
            n, c, share = part.removeprefix("lex=").split("/")
            return Blend(int(n), float(c), float(share))
    return None


def choose_blend(
    dense: Array,
    texts: list[str],
    y: Array,
    groups: list[str],
    lexical: tuple[tuple[int, float], ...] = LEXICAL,
) -> tuple[Blend, Array]:
    """The lexical settings and share with the best mean of macro F1 and union F1 when averaged
    with the embedding head's out-of-fold scores `dense`, and the averaged scores."""
    best: tuple[float, Blend, Array] | None = None
    for n, c in lexical:
        lex = lexical_out_of_fold(texts, y, groups, n, c)
        for share in BLENDS:
            mixed = (1.0 - share) * dense + share * lex
            result = summary(y, decided(y, mixed))
            print(f"  lexical {n} C={c} share={share} {result}", file=sys.stderr)
            total = result["macro_f1"] + result["union_f1"]
            if best is None or total > best[0]:
                best = (total, Blend(n, c, share), mixed)
    assert best is not None
    return best[1], best[2]


def fit_joint(x: Array, tfidf: Any, truth: Array, c: float) -> tuple[Array, Array, float]:
    """The union head: one logistic regression (balanced classes) over the embedding features
    and the TF-IDF columns side by side; its weights split into the two parts, and the bias."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    model.fit(sp.hstack([sp.csr_matrix(x), tfidf]).tocsr(), truth)
    coef = np.asarray(model.coef_[0])
    return coef[: x.shape[1]], coef[x.shape[1] :], float(model.intercept_[0])


def union_out_of_fold(
    x: Array, texts: list[str], y: Array, groups: list[str], c: float, blend: Blend
) -> Array:
    """The union head's out-of-fold scores (one column), vocabulary fitted in the folds too."""
    from sklearn.model_selection import GroupKFold

    truth = union(y == 1).astype(np.int8)
    scores = np.zeros((len(texts), 1), dtype=np.float64)
    for train, test in GroupKFold(n_splits=FOLDS).split(x, truth, groups):
        vec = vectoriser(blend.max_features)
        seen = vec.fit_transform([texts[i] for i in train])
        dense, lexical, bias = fit_joint(x[train], seen, truth[train], c)
        z = x[test] @ dense + vec.transform([texts[i] for i in test]) @ lexical + bias
        scores[test, 0] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    return scores


def choose_resist(y: Array, scores: Array, own: Array) -> float:
    """The union head's share of `resists` with the best out-of-fold union F1 (ties: the
    smaller share; 0 ships no union head)."""
    both = np.hstack([scores, own])
    best: tuple[float, float] | None = None
    for resist in RESISTS:
        result = summary(y, decided(y, both, resist))
        print(f"  union head share={resist} {result}", file=sys.stderr)
        if best is None or result["union_f1"] > best[0]:
            best = (result["union_f1"], resist)
    assert best is not None
    return best[1]


def train(
    out: Path = HEAD_FILE, contexts: tuple[str, ...] = CONTEXTS, cs: tuple[float, ...] = CS
) -> dict[str, Any]:
    examples = training_set()
    cur, prev = embeddings(examples)
    y = targets(examples)
    groups = [e.group for e in examples]
    context, c, dense, trials = choose(cur, prev, y, groups, contexts, cs)
    texts = [e.text for e in examples]
    blend, scores = choose_blend(dense, texts, y, groups)
    x = features(cur, prev, context)
    thresholds = best_thresholds(y, scores)
    own = union_out_of_fold(x, texts, y, groups, c, blend)
    resist = choose_resist(y, scores, own)
    weights, bias = fit(x, y, c)
    lexical, vec = fit_lexical(texts, y, blend.max_features, blend.c)
    if resist > 0.0:  # the union head's rows last, one past the labels'
        dense_u, lexical_u, bias_u = fit_joint(x, vec.transform(texts), union(y == 1), c)
        weights, bias = np.vstack([weights, dense_u]), np.append(bias, bias_u)
        lexical = replace(
            lexical,
            weights=np.vstack([lexical.weights, lexical_u.astype(np.float16).astype(np.float32)]),
            bias=np.append(lexical.bias, np.float32(0.0)),
        )
        scores = np.hstack([scores, own])
    out.parent.mkdir(parents=True, exist_ok=True)
    head = Head(
        labels=UTTERANCE_LABELS,
        weights=weights.astype(np.float32),
        bias=bias.astype(np.float32),
        thresholds=thresholds.astype(np.float32),
        context=context,
        version=f"{version(examples)} {blend.tag()} C={c}",
        lexical=lexical,
        blend=blend.share,
        union=best_union(y, scores, resist),
        resist=resist,
    )
    head.save(out)
    return {"context": context, "C": c, "version": head.version, "trials": trials}


def same(a: Path, b: Path) -> bool:
    x, y = load_head(a), load_head(b)
    return (
        x.version == y.version
        and x.context == y.context
        and np.allclose(x.weights, y.weights, atol=1e-5)
        and np.allclose(x.thresholds, y.thresholds)
        and x.blend == y.blend
        and x.union == y.union
        and x.resist == y.resist
        and (x.lexical is None) == (y.lexical is None)
        and (
            x.lexical is None
            or y.lexical is None
            or (
                x.lexical.terms == y.lexical.terms
                and np.allclose(x.lexical.weights, y.lexical.weights, atol=1e-3)
            )
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when the shipped head is stale")
    parser.add_argument("--context", help=f"skip the search: one of {', '.join(CONTEXTS)}")
    parser.add_argument("--c", type=float, help="skip the search: the regularisation C")
    args = parser.parse_args(argv)
    contexts = (args.context,) if args.context else CONTEXTS
    cs = (args.c,) if args.c else CS
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "head.npz"
            train(fresh, contexts, cs)
            ok = same(fresh, HEAD_FILE)
        print("the shipped head matches its data" if ok else "the shipped head is stale")
        return 0 if ok else 1
    result = train(HEAD_FILE, contexts, cs)
    print(json.dumps({k: v for k, v in result.items() if k != "trials"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
