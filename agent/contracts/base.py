"""Shared base for every contract: strict about unknown fields so typos in input files surface."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = "1.0"

Severity = Literal["low", "medium", "high", "critical"]
Level = Literal["low", "medium", "high"]
# When advice should be acted on.
Timing = Literal["immediate", "this_week", "next_week"]


class Contract(BaseModel):
    """Base model: unknown keys are errors, so a misspelt field never silently drops data."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
