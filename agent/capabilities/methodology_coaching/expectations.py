"""Eval keys for methodology coaching cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in


class MethodologyCoachingExpectations(Expectations):
    element_gaps_include: list[str] = Field(
        default_factory=list, description="Elements scored as a gap or partial."
    )

    def required(self, result: Any) -> list[Check]:
        gaps = {s.element for s in result.scorecard if s.status in ("gap", "partial")}
        return each_in(self.element_gaps_include, gaps, "{} not scored as a gap")
