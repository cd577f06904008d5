"""Versioned pydantic contracts: the only shapes that cross the agent's boundary."""

from agent.contracts.base import SCHEMA_VERSION
from agent.contracts.context import SECTION_PURPOSE, DealContext
from agent.contracts.deal import Activity, Contact, Deal
from agent.contracts.request import CAPABILITIES, CoachingRequest, Meeting
from agent.contracts.response import (
    CheckReport,
    Citation,
    CoachingResponse,
    Composition,
    MissingInput,
    Warning,
)

__all__ = [
    "CAPABILITIES",
    "SCHEMA_VERSION",
    "SECTION_PURPOSE",
    "Activity",
    "CheckReport",
    "Citation",
    "CoachingRequest",
    "CoachingResponse",
    "Composition",
    "Contact",
    "Deal",
    "DealContext",
    "Meeting",
    "MissingInput",
    "Warning",
]
