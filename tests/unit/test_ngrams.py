"""The lexical head (agent/reading/ngrams.py): the one analyser, and numpy prediction that
matches scikit-learn's TF-IDF + logistic regression on the same analyser."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from agent.contracts.utterance import UTTERANCE_LABELS
from agent.reading.ngrams import Lexical, terms
from agent.reading.utterance_head import Head, load_head
from evals.utterances.train import fit_lexical, probabilities


def test_terms_words_bigrams_and_padded_character_grams() -> None:
    got = terms("Too EXPENSIVE, no")
    assert got[:3] == ["w:too", "w:expensive", "w:no"]
    assert {"b:too expensive", "b:expensive no"} <= set(got)
    assert {"c: t", "c:oo ", "c: too ", "c: no", "c: no "} <= set(got)
    assert "c:o e" not in got  # character grams stay inside one word
    assert all(len(t) - 2 <= 5 for t in got if t.startswith("c:"))
    assert terms("") == []


def test_numpy_prediction_matches_scikit_learn() -> None:
    texts = [
        "the price is far too high for us",
        "we can't afford it this year",
        "sounds great, send the contract",
        "let's sign next week",
        "too expensive honestly",
        "great, we are ready to sign",
    ] * 3
    y = np.zeros((len(texts), len(UTTERANCE_LABELS)), dtype=np.int8)
    y[:, 0] = [i % 2 == 0 or i % 6 == 1 for i in range(len(texts))]
    lexical, vec = fit_lexical(texts, y, 500, 4.0)
    probe = ["Far too expensive for this year", "ready to sign", "zzz"]
    expected = probabilities(vec.transform(probe), lexical.weights, lexical.bias)
    assert np.allclose(lexical.scores(probe), expected, atol=1e-5)
    assert lexical.scores(probe)[0, 0] > lexical.scores(probe)[1, 0]


def test_combined_head_averages_and_round_trips(tmp_path: Path) -> None:
    n = len(UTTERANCE_LABELS)
    lexical = Lexical(
        terms=("w:price", "w:sign"),
        idf=np.ones(2, dtype=np.float32),
        weights=np.zeros((n, 2), dtype=np.float32) + np.array([5.0, -5.0], dtype=np.float32),
        bias=np.zeros(n, dtype=np.float32),
        sublinear=True,
    )
    head = Head(
        labels=UTTERANCE_LABELS,
        weights=np.zeros((n, 3), dtype=np.float32),
        bias=np.zeros(n, dtype=np.float32),
        thresholds=np.full(n, 0.5, dtype=np.float32),
        context="none",
        version="test",
        lexical=lexical,
        blend=0.5,
    )
    feats = np.zeros((2, 3), dtype=np.float32)
    probs = head.combined(feats, ["the price", "we sign"])
    lex = lexical.scores(["the price", "we sign"])
    assert np.allclose(probs, 0.5 * 0.5 + 0.5 * lex)
    assert probs[0, 0] > 0.7 > 0.3 > probs[1, 0]
    head.save(tmp_path / "h.npz")
    again = load_head(tmp_path / "h.npz")
    assert again.blend == 0.5 and again.lexical is not None
    assert np.allclose(again.combined(feats, ["the price", "we sign"]), probs, atol=1e-3)


def test_shipped_head_carries_the_lexical_head() -> None:
    head = load_head()
    assert head.lexical is not None and 0.0 < head.blend < 1.0
    rows = len(head.labels) + (1 if head.resist > 0.0 else 0)  # a union head's row last
    assert head.lexical.weights.shape == (rows, len(head.lexical.terms))
    assert head.weights.shape[0] == rows == len(head.bias)


def test_columns_are_the_known_terms_in_the_analysers_order() -> None:
    """Prediction finds a text's columns per word (agent/reading/ngrams.py `columns`) instead of
    looking every term up: the same columns, in `terms`' order, as the one analyser gives, and
    a text's scores are the same whether it is scored alone, in a batch or again."""
    lexical = load_head().lexical
    assert lexical is not None
    texts = [
        "Too EXPENSIVE, no",
        "We can't sign before Q3 -- the CFO's budget is frozen.",
        "ok ok ok",
        "I",
        "",
        "Héllo naïve café, don't won't can't",
        "budget budget budget price price",
    ]
    for text in texts:
        expected = [lexical.index[t] for t in terms(text) if t in lexical.index]
        assert lexical.columns(text) == expected
    batch = lexical.scores(texts)
    alone = np.vstack([lexical.scores([t]) for t in reversed(texts)])[::-1]
    assert np.array_equal(batch, alone)
    assert np.array_equal(lexical.scores(texts), batch)
    assert lexical.scores([]).shape == (0, len(lexical.bias))
