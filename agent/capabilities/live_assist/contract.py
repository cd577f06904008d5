"""Live assist: the cue card shown to a rep during a meeting, built from pre-indexed knowledge.

A card is small on purpose: one thing to say, why it appeared (the utterance that triggered
it), a few supporting points, and citations so every word can be traced to the deal, the
knowledge base or the transcript. A model may refine a card later; the card never waits.
"""

from __future__ import annotations

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.cues import CueKind


class CueTrigger(Contract):
    """What was heard: the utterance that fired a detector, cited by position."""

    utterance_index: int = Field(ge=0)
    speaker: str
    excerpt: str = Field(description="The words that fired the detector, at most a sentence.")
    detector: str = Field(description="Name of the detector function that fired.")


class CueCard(Contract):
    id: str = Field(description="Stable within a meeting: '<kind>:<key>@<utterance index>'.")
    kind: CueKind
    title: str
    say: str = Field(description="Suggested words, taken from knowledge or the deal record.")
    why: CueTrigger
    points: list[str] = Field(default_factory=list, description="Supporting points, short.")
    citations: list[str] = Field(
        default_factory=list,
        description="kb:<doc>#<section>, transcript.utterances[i] and deal paths.",
    )
    utterance_index: int = Field(ge=0, description="The utterance after which the card showed.")
    latency_ms: float = Field(ge=0, description="From receiving the utterance to the card.")


RESULT = None  # live assist streams cue cards; it returns no response
SCOPE = "live"
