"""Eval keys for stakeholder strategy cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in


class StakeholderStrategyExpectations(Expectations):
    gaps_include: list[str] = Field(default_factory=list, description="DMU roles.")
    disengaged_include: list[str] = Field(default_factory=list, description="Contact ids.")

    def required(self, result: Any) -> list[Check]:
        gaps = {g.role for g in result.gaps}
        checks = each_in(self.gaps_include, gaps, "gap {} not named")
        dark = {s.contact_id for s in result.stakeholders if s.engagement in ("dark", "never")}
        return checks + each_in(self.disengaged_include, dark, "{} not reported disengaged")
