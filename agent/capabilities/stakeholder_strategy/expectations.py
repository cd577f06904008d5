"""Eval keys for stakeholder strategy cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.common.deal_expectations import EconomicBuyerExpectations
from agent.capabilities.expectations import Check, each_in


class StakeholderStrategyExpectations(EconomicBuyerExpectations):
    gaps_include: list[str] = Field(default_factory=list, description="DMU roles.")
    disengaged_include: list[str] = Field(default_factory=list, description="Contact ids.")
    stakeholders_include: list[str] = Field(
        default_factory=list,
        description="People (by name) the plan covers, including those known only from text.",
    )

    def required(self, result: Any) -> list[Check]:
        gaps = {g.role for g in result.gaps}
        checks = each_in(self.gaps_include, gaps, "gap {} not named")
        dark = {s.contact_id for s in result.stakeholders if s.engagement in ("dark", "never")}
        checks += each_in(self.disengaged_include, dark, "{} not reported disengaged")
        names = {s.name for s in result.stakeholders}
        checks += each_in(self.stakeholders_include, names, "no plan for {}")
        buyer = next((s.name for s in result.stakeholders if s.role == "economic_buyer"), None)
        return checks + self.buyer_checks(buyer)
