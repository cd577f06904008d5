"""Typed result of the deal facts capability: contracts only."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract


class Fact(Contract):
    label: str
    value: str
    citations: list[str] = Field(default_factory=list)


class DealFactsResult(Contract):
    kind: Literal["deal_facts"] = "deal_facts"
    facts: list[Fact]
    citations: list[str] = Field(default_factory=list)


RESULT = DealFactsResult
