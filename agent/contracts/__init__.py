"""Versioned pydantic contracts: the only shapes that cross the agent's boundary.

The package's names are loaded on first use (PEP 562): importing one contract module never
imports the request and response envelopes, whose result union is assembled from every
capability's own contract module (agent/contracts/catalog.py). An eager import here would let a
capability's contract import this package half-way through its own import, and drop itself
from the union."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.contracts.base import SCHEMA_VERSION as SCHEMA_VERSION
    from agent.contracts.context import SECTION_PURPOSE as SECTION_PURPOSE
    from agent.contracts.context import DealContext as DealContext
    from agent.contracts.deal import Activity as Activity
    from agent.contracts.deal import Contact as Contact
    from agent.contracts.deal import Deal as Deal
    from agent.contracts.request import CAPABILITIES as CAPABILITIES
    from agent.contracts.request import CoachingRequest as CoachingRequest
    from agent.contracts.request import Meeting as Meeting
    from agent.contracts.response import CheckReport as CheckReport
    from agent.contracts.response import Citation as Citation
    from agent.contracts.response import CoachingResponse as CoachingResponse
    from agent.contracts.response import Composition as Composition
    from agent.contracts.response import MissingInput as MissingInput
    from agent.contracts.response import Warning as Warning

_HOMES = {
    "SCHEMA_VERSION": "base",
    "SECTION_PURPOSE": "context",
    "DealContext": "context",
    "Activity": "deal",
    "Contact": "deal",
    "Deal": "deal",
    "CAPABILITIES": "request",
    "CoachingRequest": "request",
    "Meeting": "request",
    "CheckReport": "response",
    "Citation": "response",
    "CoachingResponse": "response",
    "Composition": "response",
    "MissingInput": "response",
    "Warning": "response",
}
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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'agent.contracts' has no attribute '{name}'")
    return getattr(importlib.import_module(f"agent.contracts.{home}"), name)
