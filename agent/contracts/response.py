"""What the agent returns: one envelope for every capability, `result` typed per capability."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field

from agent.contracts.base import SCHEMA_VERSION, Contract
from agent.contracts.catalog import result_catalog
from agent.contracts.events import DownstreamEvent


class Citation(Contract):
    ref: str = Field(
        description=(
            "Where a statement comes from: a path into the input such as 'deal.activities[3]' "
            "or 'risk.factors[0]', or a knowledge passage such as 'kb:play-id#section'."
        )
    )
    kind: Literal["input", "knowledge"]
    excerpt: str = Field(description="The cited text, shortened, so a reader can check it.")


class MissingInput(Contract):
    section: str
    provider: str = Field(description="Who normally supplies it (upstream agent or CRM).")
    would_add: str
    impact: str = Field(description="How its absence limits this advice.")
    reason: str | None = Field(
        default=None,
        description="Why it is missing when its agent was called and did not deliver (a "
        "timeout, an error, an answer that failed its contract); none when it simply has none.",
    )


class Warning(Contract):
    code: Literal[
        "missing_input",
        "stale_data",
        "low_confidence",
        "suspected_injection",
        "grounding",
        "model_fallback",
        "data_quality",
        "truncated",  # a response list or the markdown cut to its limit (agent/intake.py)
        "closed_deal",  # the deal is won or lost: advice for an open deal does not apply
        "knowledge_scope",  # the shipped knowledge is another seller's (knowledge/seller.py)
    ]
    message: str
    ref: str | None = None


class CheckFinding(Contract):
    kind: Literal["citation", "entity", "number", "schema"]
    detail: str
    where: str


class CheckReport(Contract):
    passed: bool
    checked_citations: int = 0
    checked_entities: int = 0
    checked_numbers: int = 0
    findings: list[CheckFinding] = Field(default_factory=list)


class Composition(Contract):
    method: Literal["template", "model"]
    model: str | None = None
    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = Field(ge=0, description="Wall time of the whole request inside the graph.")


# Every capability's result, told apart by `kind` (agent/contracts/catalog.py finds them).
_RESULTS = tuple(e.model for e in result_catalog().values() if e.model is not None)
if TYPE_CHECKING:
    CapabilityResult = Any
else:
    CapabilityResult = Annotated[Union[_RESULTS], Field(discriminator="kind")]  # noqa: UP007


class CoachingResponse(Contract):
    schema_version: str = SCHEMA_VERSION
    capability: str
    deal_id: str | None = None
    rep_id: str | None = None
    as_of: dt.date
    result: CapabilityResult
    markdown: str
    citations: list[Citation] = Field(default_factory=list)
    missing_inputs: list[MissingInput] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    composition: Composition
    check: CheckReport
    events: list[DownstreamEvent] = Field(
        default_factory=list, description="Typed events for downstream agents (also in the outbox)."
    )
