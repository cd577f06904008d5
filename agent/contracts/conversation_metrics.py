"""Conversation metrics a coach reads after a call: who talked, who asked, what was objected to.

Every finding carries utterance indices, so a caller cites `transcript.utterances[i]` for it
and a coach can jump to the moment in the call. The rules behind each figure are documented on
the fields and in agent.analysis.conversation; they are deterministic and need no model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract
from agent.contracts.conversation import Side

ObjectionCategory = Literal[
    "competitor",
    "price",
    "authority",
    "timing",
    "security",
    "contract",
    "implementation",
    "trust",
    "status_quo",
    "need",
]
QuestionKind = Literal["open", "closed"]
MeddiccElement = Literal[
    "metrics",
    "economic_buyer",
    "decision_criteria",
    "decision_process",
    "identify_pain",
    "champion",
    "competition",
]
HandledHow = Literal["acknowledged", "asked", "acknowledged_and_asked", "talked_past", "no_reply"]


class SpeakerTalk(Contract):
    speaker: str
    person_id: str | None = None
    side: Side
    words: int = Field(ge=0)
    turns: int = Field(ge=0)
    share: float = Field(ge=0, le=1, description="Share of all words spoken in the call.")
    seconds: float | None = Field(default=None, ge=0, description="Speaking time, when timed.")


class TalkRatio(Contract):
    """Shares of words, not seconds: every format has words, only some have timestamps."""

    seller_words: int = Field(ge=0)
    customer_words: int = Field(ge=0)
    unknown_words: int = Field(ge=0, description="Words by speakers not mapped to the deal.")
    seller_share: float = Field(ge=0, le=1, description="Seller words / (seller + customer).")
    customer_share: float = Field(ge=0, le=1)
    per_speaker: list[SpeakerTalk]


class Monologue(Contract):
    """The longest run of consecutive utterances by one speaker, in words."""

    speaker: str
    side: Side
    words: int = Field(ge=0)
    seconds: float | None = Field(default=None, ge=0)
    first_index: int = Field(ge=0)
    last_index: int = Field(ge=0)


class Question(Contract):
    index: int = Field(ge=0, description="Utterance index.")
    text: str
    kind: QuestionKind = Field(
        description="open: starts with what/how/why/where/when/who/which/tell/walk/describe/"
        "explain; closed: anything else (answerable with yes or no)."
    )


class QuestionStats(Contract):
    count: int = Field(ge=0, description="Question sentences (ending with '?').")
    open: int = Field(ge=0)
    closed: int = Field(ge=0)
    indices: list[int] = Field(description="Utterances holding at least one question.")
    items: list[Question]


class Objection(Contract):
    index: int = Field(ge=0, description="Customer utterance that raised it.")
    speaker: str
    category: ObjectionCategory
    excerpt: str = Field(description="The sentence that matched, shortened.")
    trigger: str = Field(description="The words that made the rule fire.")
    handled: bool = Field(
        description="The seller's next turn acknowledges the concern or asks a question about "
        "it, rather than talking past it."
    )
    how: HandledHow
    reply_index: int | None = Field(default=None, description="The seller's next turn.")


class CompetitorMention(Contract):
    name: str
    indices: list[int]
    first_by: Side = Field(description="Who brought the competitor up first.")


class MethodologyEvidence(Contract):
    element: MeddiccElement
    label: str
    evidenced: bool
    rule: str = Field(description="What counts as evidence, in words.")
    indices: list[int]


class CustomerEngagement(Contract):
    questions: int = Field(ge=0, description="Question sentences asked by the customer side.")
    question_indices: list[int]
    turns: int = Field(ge=0)
    turn_share: float = Field(ge=0, le=1, description="Customer turns / all mapped turns.")
    speakers: int = Field(ge=0, description="Distinct customer speakers who spoke.")


class ConversationMetrics(Contract):
    source: str
    utterances: int = Field(ge=0)
    duration_s: float | None = Field(default=None, ge=0)
    talk_ratio: TalkRatio
    longest_monologue: Monologue | None
    longest_seller_monologue: Monologue | None
    seller_questions: QuestionStats
    objections: list[Objection]
    competitors: list[CompetitorMention]
    methodology: list[MethodologyEvidence]
    customer_engagement: CustomerEngagement
    unmapped_speakers: list[str] = Field(
        default_factory=list, description="Their words count as 'unknown' in the talk ratio."
    )
