"""Eval keys for methodology coaching cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in


class MethodologyCoachingExpectations(Expectations):
    element_gaps_include: list[str] = Field(
        default_factory=list, description="Elements scored as a gap or partial."
    )

    element_status_in: dict[str, list[str]] = Field(
        default_factory=dict, description="Element -> the statuses it may have."
    )

    def required(self, result: Any) -> list[Check]:
        gaps = {s.element for s in result.scorecard if s.status in ("gap", "partial")}
        checks = each_in(self.element_gaps_include, gaps, "{} not scored as a gap")
        status = {s.element: s.status for s in result.scorecard}
        return checks + [
            (status.get(e) in allowed, f"{e} scored {status.get(e, 'not at all')}, not {allowed}")
            for e, allowed in self.element_status_in.items()
        ]
