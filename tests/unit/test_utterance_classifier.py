"""The utterance classifier (agent/reading/utterances.py) and `coach classify`.

The model tests embed a handful of sentences written here, not in the training data
(evals/utterances/authored.jsonl holds none of them); the head, context and fallback tests use
a fake embedding so they run in milliseconds."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from agent.contracts.conversation import Utterance
from agent.contracts.utterance import UTTERANCE_LABELS
from agent.interfaces.cli.app import app
from agent.reading import utterance_head, utterance_objections
from agent.reading.ngrams import Lexical
from agent.reading.objection_phrases import PhraseMatch, find_objection
from agent.reading.utterance_classifiers import ModelClassifier, PhraseClassifier
from agent.reading.utterance_head import Head, load_head
from agent.reading.utterance_objections import objection_category, objection_heard
from agent.reading.utterance_scores import UNION, decide, resists
from agent.reading.utterances import classify_utterances, utterance_classifier
from evals.utterances.examples import AUTHORED
from knowledge.embeddings import MODEL_PACKAGE, semantic_available

runner = CliRunner()
CALL = Path("sample_workspace/deals/D-1003/transcripts/2026-11-18-call.txt")
needs_weights = pytest.mark.skipif(not semantic_available(), reason="embedding weights absent")
UNSEEN = {
    "refusal": ("No, we are not going to buy it, and please don't call again.", "Shall we sign?"),
    "price": ("Twelve thousand a month is far more than our budget allows.", "Here is the quote."),
    "question": ("Which languages does the user interface support?", "Any questions?"),
    "small talk": ("The traffic this morning was terrible, sorry I'm late.", "Hi, welcome!"),
}


@pytest.fixture
def no_weights(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The weights package hidden as an absent one looks (see test_without_weights)."""
    monkeypatch.setitem(sys.modules, MODEL_PACKAGE, None)
    semantic_available.cache_clear()
    utterance_classifier.cache_clear()
    yield
    semantic_available.cache_clear()
    utterance_classifier.cache_clear()


def test_unseen_sentences_are_not_in_the_training_data() -> None:
    texts = {json.loads(line)["text"] for line in AUTHORED.read_text().splitlines() if line}
    assert not {t for t, _ in UNSEEN.values()} & texts


def test_authored_utterances_follow_the_label_rules() -> None:
    """Every authored line: known labels, "other" only alone, a paraphrase group of several
    lines (cross-validation folds by group), and no turn twice with the same previous turn (a
    copy would sit in two folds; the same words after another turn are a context example)."""
    rows = [json.loads(line) for line in AUTHORED.read_text().splitlines() if line]
    pairs = [(r["text"], r.get("previous", "")) for r in rows]
    assert len(set(pairs)) == len(pairs)
    groups: dict[str, int] = {}
    for r in rows:
        assert r["labels"] and set(r["labels"]) <= set(UTTERANCE_LABELS), r
        assert "other" not in r["labels"] or r["labels"] == ["other"], r
        groups[r["group"]] = groups.get(r["group"], 0) + 1
    assert min(groups.values()) >= 3


@needs_weights
def test_model_labels_unseen_sales_utterances() -> None:
    clf = utterance_classifier()
    assert clf.method == "model"
    scored = dict(zip(UNSEEN, clf.score(list(UNSEEN.values())), strict=True))
    labels = {k: clf.labels(s) for k, s in scored.items()}
    assert "resistance" in labels["refusal"]
    assert "objection.price" in labels["price"]
    assert "question" in labels["question"] and not any(
        k.startswith("objection.") or k == "resistance" for k in labels["question"]
    )
    assert labels["small talk"] == ["other"]
    assert set(scored["price"]) == set(UTTERANCE_LABELS)


def _fake_head(context: str) -> Head:
    """Two features: resistance fires on feature 0 of the turn; with context, a commitment
    on feature 0 of the previous turn."""
    dims = 4 if context.startswith("concat") else 2
    weights = np.zeros((len(UTTERANCE_LABELS), dims), dtype=np.float32)
    weights[UTTERANCE_LABELS.index("resistance"), 0] = 10.0
    if dims == 4:
        weights[UTTERANCE_LABELS.index("commitment"), 2] = 10.0
    return Head(
        labels=UTTERANCE_LABELS,
        weights=weights,
        bias=np.full(len(UTTERANCE_LABELS), -5.0, dtype=np.float32),
        thresholds=np.full(len(UTTERANCE_LABELS), 0.5, dtype=np.float32),
        context=context,
        version="test",
    )


def _embed(texts: list[str]) -> np.ndarray:
    return np.array([[1.0, 0.0] if "no" in t.lower() else [0.0, 1.0] for t in texts], np.float32)


def test_previous_turn_is_context_and_nothing_on_is_other(tmp_path: Path) -> None:
    path = tmp_path / "head.npz"
    _fake_head("concat:1").save(path)
    clf = ModelClassifier(load_head(path), _embed)
    no, yes, other = clf.score([("No", ""), ("Fine", "No surprises"), ("Fine", "Great")])
    assert clf.labels(no) == ["resistance"]
    assert clf.labels(yes) == ["commitment"]  # said after a turn the head reads as context
    assert clf.labels(other) == ["other"]
    assert set(clf.cache) == {"No", "Fine", "No surprises", "Great"}  # each embedded once


def test_resisting_is_decided_once_on_the_union_score(tmp_path: Path) -> None:
    labels = UTTERANCE_LABELS
    col = labels.index
    probs = np.zeros((3, len(labels)), dtype=np.float32)
    probs[0, [col("objection.price"), col("objection.competitor")]] = 0.6, 0.5  # weak, together
    probs[1, col("objection.trust")] = 0.55  # on alone, below the union's threshold
    probs[2, col("question")] = 0.9
    rows = [dict(zip(labels, (float(p) for p in row), strict=True)) for row in probs]
    assert [resists(r) for r in rows] == pytest.approx([0.8, 0.55, 0.0])
    thresholds = np.full(len(labels), 0.5, dtype=np.float32)
    thresholds[col("objection.price")] = thresholds[col("objection.competitor")] = 0.7
    per_label = decide(probs, thresholds, labels)
    assert [[k for k, on in zip(labels, row, strict=True) if on] for row in per_label] == [
        ["other"],
        ["objection.trust"],
        ["question"],
    ]
    both = decide(probs, thresholds, labels, union=0.75)
    assert [[k for k, on in zip(labels, row, strict=True) if on] for row in both] == [
        ["objection.price"],  # the best-scored one of a union that clears its threshold
        ["other"],
        ["question"],
    ]
    head = _fake_head("none")  # saved and loaded: the union threshold travels in the file
    path = tmp_path / "head.npz"
    replace(head, thresholds=thresholds, union=0.75).save(path)
    clf = ModelClassifier(load_head(path), _embed)
    assert clf.head.union == pytest.approx(0.75)
    assert clf.labels(dict(zip(labels, (float(p) for p in probs[0]), strict=True))) == [
        "objection.price"
    ]


def _union_head(resist: float) -> Head:
    """A head whose union row (one past the labels) reads "no" in the turn's embedding and the
    word "never" in its lexical part; every label scores low, resistance a little higher."""
    n = len(UTTERANCE_LABELS)
    weights = np.zeros((n + 1, 2), dtype=np.float32)
    weights[UTTERANCE_LABELS.index("resistance"), 0] = 1.0
    weights[n, 0] = 4.0
    lexical_weights = np.zeros((n + 1, 1), dtype=np.float32)
    lexical_weights[n, 0] = 6.0
    lexical_bias = np.full(n + 1, -5.0, dtype=np.float32)
    lexical_bias[n] = 0.0
    lexical = Lexical(("w:never",), np.ones(1, np.float32), lexical_weights, lexical_bias, True)
    return Head(
        labels=UTTERANCE_LABELS,
        weights=weights,
        bias=np.full(n + 1, -5.0, dtype=np.float32),
        thresholds=np.full(n, 0.5, dtype=np.float32),
        context="none",
        version="test",
        lexical=lexical,
        blend=0.5,
        union=0.5,
        resist=resist,
    )


def test_a_union_head_decides_whether_a_turn_resists(tmp_path: Path) -> None:
    path = tmp_path / "head.npz"
    _union_head(1.0).save(path)
    clf = ModelClassifier(load_head(path), _embed)
    assert clf.head.resist == 1.0 and clf.head.weights.shape[0] == len(UTTERANCE_LABELS) + 1
    pairs = [("No, never.", ""), ("No.", ""), ("Fine", "")]
    rows = clf.score(pairs)
    assert all(set(r) == set(UTTERANCE_LABELS) for r in rows)  # the union is not a label
    expected = [1 / (1 + np.exp(-z)) for z in (4.0 - 5.0 + 6.0, 4.0 - 5.0, -5.0)]
    assert [resists(r) for r in rows] == pytest.approx(expected, abs=1e-3)
    assert max(rows[0][k] for k in UNION) < 0.05  # every label alone is far below 0.5
    assert [clf.labels(r) for r in rows] == [["resistance"], ["other"], ["other"]]
    probs = clf.head.combined(np.stack([_embed([t])[0] for t, _ in pairs]), [t for t, _ in pairs])
    on = decide(probs, clf.head.thresholds, UTTERANCE_LABELS, 0.5, 1.0)
    assert [[k for k, x in zip(UTTERANCE_LABELS, row, strict=True) if x] for row in on] == [
        clf.labels(r) for r in rows
    ]
    us = [Utterance(index=i, speaker="B", text=t) for i, (t, _) in enumerate(pairs)]
    out = classify_utterances(us, "all", clf)
    assert [u.resists for u in out] == pytest.approx(expected, abs=1e-3)
    half = ModelClassifier(_union_head(0.5), _embed).score(pairs[:1])[0]
    plain = resists(dict(half))  # a copy is a plain dict: the labels' noisy-or
    assert resists(half) == pytest.approx(0.5 * plain + 0.5 * expected[0], abs=1e-3)


def test_transcript_classification_keeps_order_and_skips_the_seller() -> None:
    us = [
        Utterance(index=0, speaker="Rep", text="No pressure", side="seller"),
        Utterance(index=1, speaker="Buyer", text="No.", side="customer"),
        Utterance(index=2, speaker="Guest", text="Fine", side="unknown"),
    ]
    clf = ModelClassifier(_fake_head("none"), _embed)
    rows = classify_utterances(us, "customer", clf)
    assert [(r.index, r.labels, r.method) for r in rows] == [
        (1, ["resistance"], "model"),
        (2, ["other"], "model"),
    ]
    assert [r.index for r in classify_utterances(us, "all", clf)] == [0, 1, 2]


def test_objection_category_from_labels() -> None:
    assert objection_category(["resistance"], {"resistance": 0.9}, "No.") == "need"
    assert objection_category(["question"], {"question": 0.9}, "Why?") is None
    scores = {"objection.price": 0.6, "objection.risk": 0.8}
    text = "Security will not sign off on hosting our customer data."
    assert objection_category(["objection.price", "objection.risk"], scores, text) == "security"


def test_without_weights_the_phrase_lists_answer_and_say_so(no_weights: None) -> None:
    clf = utterance_classifier()
    assert isinstance(clf, PhraseClassifier) and clf.method == "phrases"
    (price,) = clf.score([("Honestly it's too expensive for us.", "")])
    assert clf.labels(price) == ["objection.price"]
    result = runner.invoke(app, ["classify", str(CALL), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["method"] == "phrases" and "not installed" in payload["note"]
    assert all(u["method"] == "phrases" for u in payload["utterances"])


def test_classify_text_and_json_on_a_sample_call() -> None:
    text = runner.invoke(app, ["classify", str(CALL)])
    assert text.exit_code == 0, text.output
    data = runner.invoke(app, ["classify", str(CALL), "--format", "json", "--speaker", "all"])
    assert data.exit_code == 0, data.output
    payload = json.loads(data.stdout)
    every = payload["utterances"]
    assert [u["index"] for u in every] == list(range(len(every)))  # all speakers, in order
    customer = [u for u in every if u["side"] == "customer"]
    assert 0 < len(customer) < len(every)  # the deal's folder maps the speakers
    assert text.stdout.count("\n#") + 1 == len(customer)  # text: the customer's turns only
    price = next(u for u in every if "price is still too high" in u["text"])
    assert "objection.price" in price["labels"]
    assert f"#{price['index']} Bethany Cole:" in text.stdout


@pytest.mark.parametrize(
    "args, where",
    [
        (["classify", "missing.vtt"], "missing.vtt"),
        (["classify", str(CALL), "--format", "xml"], "--format"),
        (["classify", str(CALL), "--speaker", "rep"], "--speaker"),
    ],
)
def test_bad_input_exits_2_with_one_message(args: list[str], where: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert where in result.output and "Traceback" not in result.output


def test_binary_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "call.txt"
    bad.write_bytes(b"\xff\xfe\x00binary")
    result = runner.invoke(app, ["classify", str(bad)])
    assert result.exit_code == 2 and "UTF-8" in result.output


def test_shipped_head_is_numpy_only() -> None:
    with np.load(utterance_head.HEAD_FILE, allow_pickle=False) as data:  # no pickle inside
        assert tuple(str(x) for x in data["labels"]) == UTTERANCE_LABELS
        union_row = 1 if "resist" in data.files and float(data["resist"]) > 0.0 else 0
        assert data["weights"].shape[0] == len(UTTERANCE_LABELS) + union_row


def test_phrases_and_model_agree_before_acting() -> None:
    price = "Honestly it's too expensive for us."
    match = find_objection(price)
    assert match is not None and match.category == "price"
    assert objection_heard({"objection.price": 0.1}, match, price) is None  # model rules it out
    assert objection_heard({"objection.trust": 0.3}, match, price) == "price"  # phrase names it
    sure, unsure = utterance_objections.MODEL_ALONE, utterance_objections.MODEL_ALONE - 0.05
    assert objection_heard({"resistance": sure}, None, "I'd rather not.") == "need"
    assert objection_heard({"resistance": unsure}, None, "I'd rather not.") is None  # not sure


def test_a_batch_scored_again_is_looked_up_and_its_rows_are_copies() -> None:
    """The same call debriefed again: its batch is not scored again, the scores are the
    first ones, and a caller changing its dicts changes nothing kept."""
    clf = ModelClassifier(_fake_head("concat:1"), _embed)
    scored: list[int] = []
    real = clf.head.combined

    def counted(features: np.ndarray, texts: list[str]) -> np.ndarray:
        scored.append(len(texts))
        return real(features, texts)

    object.__setattr__(clf.head, "combined", counted)
    pairs = [("No", ""), ("Fine", "No surprises"), ("Fine", "Great")]
    first = clf.score(pairs)
    first[0]["resistance"] = -1.0
    again = clf.score(list(pairs))
    assert scored == [3]
    assert again[0]["resistance"] > 0.9 and again[1:] == first[1:]
    clf.score(pairs[:2])  # another batch is scored
    assert scored == [3, 2]


def _sample_call_pairs() -> tuple[ModelClassifier, list[tuple[str, str]]]:
    """The model classifier (skips without the weights) and every line of the sample calls
    with the line before it."""
    from agent.reading.transcripts import read_transcript

    clf = utterance_classifier()
    if not isinstance(clf, ModelClassifier) or clf.head.lexical is None:
        pytest.skip("the embedding weights are not installed")
    root = Path(__file__).resolve().parents[2] / "sample_workspace" / "deals"
    pairs = []
    for path in sorted(root.glob("*/transcripts/*")):
        us = read_transcript(path).utterances
        pairs += [(u.text, us[i - 1].text if i else "") for i, u in enumerate(us)]
    return clf, pairs


def test_what_the_words_settle_is_what_the_model_would_answer() -> None:
    """words_settle may spare a turn the embedding only when objection_heard's answer cannot
    depend on it: over every customer line of the sample calls, with and without a phrase
    match, a turn called settled gets the same answer from its full scores (a phrase's
    category, or none), and some turns are settled and some are not."""
    from agent.reading.utterance_objections import words_settle

    clf, pairs = _sample_call_pairs()
    texts = [t for t, _ in pairs]
    scores = clf.score(pairs)
    phrase = PhraseMatch("price", "a phrase", 0, 1)  # as if a phrase had matched every turn
    settled = {True: 0, False: 0}
    for match in (phrase, None):
        known = words_settle(clf, texts, [match is not None] * len(texts))
        for text, row, done in zip(texts, scores, known, strict=True):
            settled[done] += 1
            if done:
                answer = objection_heard(row, match, text)
                assert answer == (match.category if match else None), text
    assert settled[True] > 20 and settled[False] > 0


def test_a_phrase_kept_by_its_words_is_one_the_model_would_keep() -> None:
    """phrase_kept lets live assist skip the embedding only when the model could not rule the
    phrase out: over every line of the sample calls and the label sets the live detectors ask
    about, a kept phrase's full scores reach the floor, and some lines are kept, some not."""
    from agent.reading.utterance_objections import agrees, phrase_kept

    clf, pairs = _sample_call_pairs()
    scores = clf.score(pairs)
    kept = {True: 0, False: 0}
    label_sets = (UNION, ("stall", "objection.timing"), ("frustration",), ("buying_signal",))
    for labels in label_sets:
        for (text, _), row in zip(pairs, scores, strict=True):
            done = phrase_kept(clf, text, labels)
            kept[done] += 1
            if done:
                assert agrees(max(row.get(k, 0.0) for k in labels), phrase=True), text
    assert kept[True] > 0 and kept[False] > 0


@pytest.mark.parametrize(
    ("turn", "category"),
    [
        ("Our supplier data has to stay on-premise.", "security"),
        ("If it runs in your cloud, it stops here: our data can't go to the cloud.", "security"),
        ("He decides in the January budget round, so it cannot be paid before.", "timing"),
        ("We can't sign those terms.", "contract"),  # "can't" was read as "cann't"
        ("We cannot sign that clause.", "contract"),
    ],
)
def test_b2b_resistance_the_phrase_lists_missed(turn: str, category: str) -> None:
    match = find_objection(turn)
    assert match is not None and match.category == category


@pytest.mark.parametrize(
    "turn",
    [
        "We run everything on-premise today and it works.",  # a fact, no requirement
        "The budget round went well for operations this year.",
        "Anything less and I can't sign off the architecture.",  # a condition, not resistance
    ],
)
def test_their_twins_are_no_objection(turn: str) -> None:
    assert find_objection(turn) is None
