"""DealContext: the CRM deal plus whatever each upstream agent knows about it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import SCHEMA_VERSION, Contract, InputContract
from agent.contracts.conversation import Transcript
from agent.contracts.deal import Deal
from agent.contracts.upstream import (
    Argumentation,
    CompetitiveIntel,
    DealRisk,
    Discovery,
    ProcessStandards,
    Qualification,
    SalesAnalytics,
    ValueCase,
)

SectionName = Literal[
    "risk",
    "qualification",
    "discovery",
    "argumentation",
    "competitive",
    "analytics",
    "value",
    "process",
]

# What each upstream section adds, so a missing one can be explained to the user.
SECTION_PURPOSE: dict[str, tuple[str, str]] = {
    "risk": ("deal risk agent", "risk factors, red flags and their severity"),
    "qualification": ("qualification agent", "customer fit, competitive position, framework gaps"),
    "discovery": ("discovery agent", "pains, needs, the DMU, buying process, decision criteria"),
    "argumentation": ("sales argumentation agent", "stakeholder-specific messages"),
    "competitive": ("competitive intelligence agent", "battle cards for the deal's competitors"),
    "analytics": ("sales analytics agent", "historical conversion, cycle times, action win rates"),
    "value": ("value selling agent", "ROI and the business case"),
    "process": ("sales operations", "stages, exit criteria and required activities"),
}


# Roots a citation path may start from: the deal, each upstream section, and the call transcript
# when a request carries one ('transcript.utterances[12]').
INPUT_ROOTS: tuple[str, ...] = ("deal", *SECTION_PURPOSE, "transcript")

SECTION_MODELS: dict[str, type[Contract]] = {
    "risk": DealRisk,
    "qualification": Qualification,
    "discovery": Discovery,
    "argumentation": Argumentation,
    "competitive": CompetitiveIntel,
    "analytics": SalesAnalytics,
    "value": ValueCase,
    "process": ProcessStandards,
}


class DealContext(InputContract):
    schema_version: str = SCHEMA_VERSION
    deal: Deal
    risk: DealRisk | None = None
    qualification: Qualification | None = None
    discovery: Discovery | None = None
    argumentation: Argumentation | None = None
    competitive: CompetitiveIntel | None = None
    analytics: SalesAnalytics | None = None
    value: ValueCase | None = None
    process: ProcessStandards | None = None
    transcript: Transcript | None = Field(
        default=None,
        description="The call being analysed, when a request carries one; not an upstream "
        "section, so never reported missing.",
    )
    sources: dict[str, str] = Field(
        default_factory=dict, description="Where each section was read from (file or URL)."
    )
    unavailable: dict[str, str] = Field(
        default_factory=dict,
        description="Sections an upstream agent was asked for and did not deliver, with why "
        "(a timeout, an error, an answer that failed its contract); they count as missing.",
    )
    stale: dict[str, str] = Field(
        default_factory=dict,
        description="Sections served from an older cached answer because the agent could not "
        "answer, with why and how old.",
    )

    def absent_sections(self) -> list[str]:
        return [name for name in SECTION_PURPOSE if getattr(self, name) is None]
