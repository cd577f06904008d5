"""What one utterance does in a conversation: the labels the utterance classifier gives it.

One vocabulary for live assist, the debrief and chat (agent/reading/utterances.py). Labels are
multi-label: "No, that's way over our budget" is both resistance and a price objection.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from agent.contracts.base import Contract

UtteranceLabel = Literal[
    "objection.price",
    "objection.timing",
    "objection.authority",
    "objection.need",
    "objection.trust",
    "objection.competitor",
    "objection.status_quo",
    "objection.risk",
    "resistance",
    "stall",
    "question",
    "buying_signal",
    "commitment",
    "frustration",
    "other",
]
UTTERANCE_LABELS: tuple[UtteranceLabel, ...] = get_args(UtteranceLabel)
OBJECTION_LABELS: tuple[UtteranceLabel, ...] = tuple(
    label for label in UTTERANCE_LABELS if label.startswith("objection.")
)
# How the labels were found: the trained head over sentence embeddings, or the phrase lists
# when the embedding weights are not installed.
ClassifyMethod = Literal["model", "phrases"]


class UtteranceLabels(Contract):
    """One utterance's labels (scores at or above the label's threshold) and every score."""

    index: int = Field(ge=0, description="Position in the transcript.")
    speaker: str
    side: Literal["seller", "customer", "unknown"] = "unknown"
    text: str
    labels: list[UtteranceLabel] = Field(default_factory=list)
    scores: dict[UtteranceLabel, float] = Field(
        default_factory=dict,
        description="Probability per label from the model; 1.0 for a phrase that fired.",
    )
    resists: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description=(
            "How likely the turn resists (resistance or any objection): the score the model's "
            "one decision on that is taken on; none from the phrase lists."
        ),
    )
    method: ClassifyMethod
