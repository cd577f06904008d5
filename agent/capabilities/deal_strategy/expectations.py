"""Eval keys for deal strategy cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in, within


class DealStrategyExpectations(Expectations):
    first_risk_in: list[str] = Field(default_factory=list, description="Signal ids.")
    win_probability_between: tuple[float, float] | None = None
    competitors_planned: list[str] = Field(default_factory=list)

    def required(self, result: Any) -> list[Check]:
        checks: list[Check] = []
        if self.first_risk_in:
            first = result.risks[0].signal if result.risks else "none"
            checks.append((first in self.first_risk_in, f"first risk {first}"))
        if self.win_probability_between:
            value = result.win_probability.value
            checks.append(within(value, self.win_probability_between, "win probability"))
        planned = {c.competitor for c in result.competition}
        return checks + each_in(self.competitors_planned, planned, "no plan against {}")
