"""What a caller sends: chat UI, orchestrator or eval runner all use this one shape."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from agent.contracts.base import SCHEMA_VERSION, Contract, Id, InputContract
from agent.contracts.catalog import request_capabilities, result_catalog, scoped
from agent.contracts.context import DealContext
from agent.errors import UnknownCapability, validated_as
from agent.intake import max_chars

# The capabilities a request may name: every folder under agent/capabilities/ that declares a
# result (agent/contracts/catalog.py). The router rejects anything else by name.
CAPABILITIES: tuple[str, ...] = request_capabilities()
# Capabilities about a rep across their deals rather than about one deal.
REP_CAPABILITIES: frozenset[str] = scoped("rep")
if TYPE_CHECKING:
    Capability = str
else:
    Capability = Literal[CAPABILITIES]


class Meeting(Contract):
    title: str | None = None
    date: dt.date | None = None
    duration_minutes: int | None = Field(default=None, gt=0)
    attendees: list[str] = Field(default_factory=list, description="Contact or team member ids.")
    objective: str | None = None
    customer_agenda: list[str] = Field(default_factory=list)


class CoachingRequest(InputContract):
    schema_version: str = SCHEMA_VERSION
    capability: Capability | None = None
    deal_id: Id | None = None
    deal: DealContext | None = Field(default=None, description="Inline deal context.")
    message: Annotated[str | None, AfterValidator(max_chars("message"))] = None
    transcript: Annotated[str | None, AfterValidator(max_chars("transcript"))] = Field(
        default=None, description="A call transcript: plain, WebVTT, SRT or JSON segments."
    )
    transcript_source: str | None = Field(
        default=None, description="The file the transcript came from, named in citations."
    )
    meeting: Meeting | None = None
    rep_id: Id | None = None
    methodology: str | None = None
    as_of: dt.date | None = Field(
        default=None, description="Date the analysis treats as today; defaults to the workspace's."
    )
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _needs_a_deal(self) -> CoachingRequest:
        if self.capability in REP_CAPABILITIES:
            if not self.rep_id:
                raise ValueError(
                    f"{self.capability} is about a rep: give rep_id (e.g. 'rep-priya'); "
                    "`coach deals` shows the owners"
                )
            return self
        if self.deal is None and not self.deal_id:
            raise ValueError("give either deal_id (to read from the workspace) or an inline deal")
        if self.deal is not None and self.deal_id and self.deal.deal.id != self.deal_id:
            raise ValueError(
                f"deal_id '{self.deal_id}' does not match the inline deal's id "
                f"'{self.deal.deal.id}'"
            )
        return self

    @model_validator(mode="after")
    def _has_what_the_capability_requires(self) -> CoachingRequest:
        entry = result_catalog().get(self.capability) if self.capability else None
        for name, message in (entry.requires if entry else {}).items():
            value = getattr(self, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise ValueError(message)
        return self

    @property
    def target_deal_id(self) -> str:
        return self.deal.deal.id if self.deal is not None else str(self.deal_id)


def parse_request(payload: Any, where: str = "request") -> CoachingRequest:
    """A request from JSON or YAML (a file, a server's body, a graph's input), or the one
    message every front end gives for it: an unknown capability by name, else the fields."""
    capability = payload.get("capability") if isinstance(payload, dict) else None
    if capability is not None and capability not in CAPABILITIES:
        raise UnknownCapability(str(capability), CAPABILITIES)
    return validated_as(CoachingRequest, payload, where, fix="See `coach schema request`")
