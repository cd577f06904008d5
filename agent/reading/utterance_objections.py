"""Whether a turn is an objection, by the model and the phrase lists together (agrees,
objection_heard), its category, and when the turn's own words already settle the answer
(words_settle, phrase_kept) so it need not be embedded.

A live card interrupts the rep and a debrief objection asks them to answer it, so both act
only on what is plainly there: a phrase's match unless the model rules it out, the model
alone only when nearly sure.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.contracts.conversation_metrics import ObjectionCategory
from agent.contracts.utterance import OBJECTION_LABELS, UTTERANCE_LABELS, UtteranceLabel
from agent.reading.objection_phrases import OBJECTION_TOPICS, PhraseMatch, find_objection
from agent.reading.utterance_classifiers import RISK_CATEGORIES, Classifier, ModelClassifier
from agent.reading.utterance_head import Head, sigmoid
from agent.reading.utterance_scores import UNION, Scores

PHRASE_FLOOR = 0.2  # the model's least score for a phrase list's match to count (agrees)
MODEL_ALONE = 0.85  # the model's least score to act without a phrase (agrees; README)


def objection_category(
    labels: Sequence[UtteranceLabel], scores: Scores, text: str
) -> ObjectionCategory | None:
    """The debrief's and the live cards' category for a turn the classifier calls an objection
    or resistance: the best-scored objection label; its "risk" is split into security,
    implementation or contract by the phrase lists' words; a bare refusal is a "need"
    objection (the library's "not interested")."""
    objections = [k for k in labels if k in OBJECTION_LABELS]
    if not objections:
        return "need" if "resistance" in labels else None
    best = max(objections, key=lambda k: scores.get(k, 0.0))
    name = best.removeprefix("objection.")
    if name != "risk":
        return next(c for c in _CATEGORIES if c == name)
    match = find_objection(text)
    if match is not None and match.category in RISK_CATEGORIES:
        return match.category
    low = text.lower()
    hits = [(m.start(), c) for c in RISK_CATEGORIES if (m := OBJECTION_TOPICS[c].search(low))]
    return min(hits)[1] if hits else "implementation"


def agrees(score: float, phrase: bool, alone: float = MODEL_ALONE) -> bool:
    """How live assist and the debrief act on a label: a phrase list's match counts unless the
    model rules it out (score below PHRASE_FLOOR: a phrase on a question or on praise); the
    model alone counts only when nearly sure (MODEL_ALONE). A card interrupts the rep and a
    debrief objection asks them to answer it, so both are kept for what is plainly there."""
    return score >= PHRASE_FLOOR if phrase else score >= alone


# How far inside a bound a turn's lexical score must be for `words_settle` to call the answer
# known: the averaged score is float32 and rounded to 4 digits, so a bound met only to the last
# digit is left to the model.
SETTLE_MARGIN = 1e-3


def words_settle(
    clf: Classifier, texts: Sequence[str], phrased: Sequence[bool], alone: float = MODEL_ALONE
) -> list[bool]:
    """For each customer turn, whether `objection_heard`'s answer is already known from the
    turn's own words, whatever the embeddings say, so the turn (and its context) need not be
    embedded: the debrief of a long call embeds only the turns the model could still decide.

    Exact, not a guess: the averaged score of a label is (1 - blend) x the embedding head's
    probability + blend x the lexical head's, and the embedding head's lies in [0, 1], so the
    score lies in [blend x lexical, blend x lexical + 1 - blend]. A phrase's match counts when
    the best objection score reaches PHRASE_FLOOR: known when the lower bound already does. A
    turn without a phrase counts only at `alone`: known (not an objection) when no upper bound
    reaches it. Everything else, and every turn of a head without a lexical part, is the
    model's to decide (False)."""
    head = _words_head(clf)
    if head is None or not texts:
        return [False] * len(texts)
    share = head.blend
    return [
        share * p >= PHRASE_FLOOR + SETTLE_MARGIN
        if phrase
        else share * p + (1.0 - share) < alone - SETTLE_MARGIN
        for p, phrase in zip(_lexical_best(head, texts, UNION), phrased, strict=True)
    ]


def phrase_kept(clf: Classifier, text: str, labels: Sequence[UtteranceLabel]) -> bool:
    """Whether a phrase's match on `text` counts whatever the embeddings say (`agrees`: the
    best of `labels` at PHRASE_FLOOR), by the lower bound `words_settle` uses: live assist then
    embeds nothing to confirm it. False when the model has to say."""
    head = _words_head(clf)
    if head is None:
        return False
    best = _lexical_best(head, [text], labels)[0]
    return head.blend * best >= PHRASE_FLOOR + SETTLE_MARGIN


def _words_head(clf: Classifier) -> Head | None:
    """The classifier's head when its scores average in a lexical head (the bounds need it)."""
    head = clf.head if isinstance(clf, ModelClassifier) else None
    ok = head is not None and head.lexical is not None and head.blend > 0.0
    return head if ok else None


def _lexical_best(
    head: Head, texts: Sequence[str], labels: Sequence[UtteranceLabel]
) -> list[float]:
    """Each text's best lexical probability among `labels`."""
    assert head.lexical is not None
    columns = [head.labels.index(k) for k in labels if k in head.labels]
    return [float(x) for x in sigmoid(head.lexical.logits(texts)[:, columns]).max(axis=1)]


def objection_heard(
    scores: Scores, match: PhraseMatch | None, text: str, alone: float = MODEL_ALONE
) -> ObjectionCategory | None:
    """Whether a turn is an objection (or a refusal) by model and phrase lists together
    (`agrees`), and its category: the phrase's when one matched (it names the words and a
    competitor), else the model's (objection_category). `alone` is MODEL_ALONE unless a
    measurement tries another (evals.utterances.report)."""
    agree = max((scores.get(k, 0.0) for k in UNION), default=0.0)
    if not agrees(agree, match is not None, alone):
        return None
    if match is not None:
        return match.category
    sure = [k for k in UTTERANCE_LABELS if scores.get(k, 0.0) >= alone]
    return objection_category(sure, scores, text)


_CATEGORIES: tuple[ObjectionCategory, ...] = (
    "competitor",
    "price",
    "authority",
    "timing",
    "need",
    "trust",
    "status_quo",
)
