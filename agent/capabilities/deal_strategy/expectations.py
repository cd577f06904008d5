"""Eval keys for deal strategy cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from agent.capabilities.common.deal_expectations import (
    EconomicBuyerExpectations,
    WinProbabilityExpectations,
)
from agent.capabilities.expectations import Check, each_in, within


class DealStrategyExpectations(WinProbabilityExpectations, EconomicBuyerExpectations):
    first_risk_in: list[str] = Field(default_factory=list, description="Signal ids.")
    win_probability_between: tuple[float, float] | None = None
    competitors_planned: list[str] = Field(default_factory=list)
    plan_signature_not_before: dt.date | None = Field(
        default=None, description="The mutual plan's last step is not dated before this."
    )

    def required(self, result: Any) -> list[Check]:
        checks: list[Check] = []
        if self.first_risk_in:
            first = result.risks[0].signal if result.risks else "none"
            checks.append((first in self.first_risk_in, f"first risk {first}"))
        if self.win_probability_between:
            value = result.win_probability.value
            checks.append(within(value, self.win_probability_between, "win probability"))
        planned = {c.competitor for c in result.competition}
        checks += each_in(self.competitors_planned, planned, "no plan against {}")
        if self.plan_signature_not_before is not None:
            last = max((s.due for s in result.mutual_action_plan), default=None)
            checks.append(
                (
                    last is not None and last >= self.plan_signature_not_before,
                    f"the plan ends {last}, before {self.plan_signature_not_before}",
                )
            )
        checks += self.buyer_checks(result.economic_buyer)
        return checks + self.win_checks(result.win_probability)
