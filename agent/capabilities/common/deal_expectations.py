"""Eval keys for judgments several deal capabilities share: who the economic buyer is, and the
deal's win probability with its uncertainty."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations


class WinProbabilityExpectations(Expectations):
    win_probability_below: float | None = None
    win_probability_above: float | None = None
    win_probability_interval_wider_than: float | None = Field(
        default=None, description="The estimate's interval (high - low) is at least this wide."
    )

    def win_checks(self, win: Any) -> list[Check]:
        wanted = [
            self.win_probability_below,
            self.win_probability_above,
            self.win_probability_interval_wider_than,
        ]
        if all(w is None for w in wanted):
            return []
        if win is None:
            return [(False, "no win probability")]
        checks: list[Check] = []
        if self.win_probability_below is not None:
            checks.append(
                (
                    win.value < self.win_probability_below,
                    f"win probability {win.value:.2f} not below {self.win_probability_below}",
                )
            )
        if self.win_probability_above is not None:
            checks.append(
                (
                    win.value > self.win_probability_above,
                    f"win probability {win.value:.2f} not above {self.win_probability_above}",
                )
            )
        if self.win_probability_interval_wider_than is not None:
            width = win.high - win.low
            checks.append(
                (
                    width >= self.win_probability_interval_wider_than,
                    f"interval {win.low:.2f}-{win.high:.2f} narrower than "
                    f"{self.win_probability_interval_wider_than}",
                )
            )
        return checks


class EconomicBuyerExpectations(Expectations):
    economic_buyer_is: str | None = Field(
        default=None, description="The person the advice treats as the economic buyer."
    )

    def buyer_checks(self, named: str | None) -> list[Check]:
        if self.economic_buyer_is is None:
            return []
        return [(named == self.economic_buyer_is, f"economic buyer is {named or 'nobody'}")]
