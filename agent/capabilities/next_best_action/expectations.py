"""Eval keys for next best action cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.common.deal_expectations import (
    EconomicBuyerExpectations,
    WinProbabilityExpectations,
)
from agent.capabilities.expectations import Check, each_in, none_in, one_of, within


class NextBestActionExpectations(WinProbabilityExpectations, EconomicBuyerExpectations):
    primary_play_in: list[str] = Field(default_factory=list, description="Play ids.")
    timing_in: list[str] = Field(default_factory=list)
    targets_include: list[str] = Field(
        default_factory=list, description="Contact ids the primary action must involve."
    )
    signals_include: list[str] = Field(default_factory=list, description="Signal ids.")
    probability_between: tuple[float, float] | None = None
    forbid_plays: list[str] = Field(
        default_factory=list, description="Never recommended, as primary or alternative."
    )
    signals_exclude: list[str] = Field(default_factory=list)

    def required(self, result: Any) -> list[Check]:
        p = result.primary
        checks = one_of(p.play_id, self.primary_play_in, "primary play")
        checks += one_of(p.timing, self.timing_in, "timing")
        targets = {t.contact_id for t in p.targets}
        checks += each_in(self.targets_include, targets, "stakeholder {} not addressed")
        fired = {s.id for s in result.signals}
        checks += each_in(self.signals_include, fired, "signal {} not flagged")
        if self.probability_between:
            value = p.probability.value
            checks.append(
                within(value, self.probability_between, "probability")
                if value is not None
                else (False, "probability not estimated")
            )
        checks += self.buyer_checks(result.snapshot.economic_buyer)
        return checks + self.win_checks(result.win_probability)

    def forbidden(self, result: Any) -> list[Check]:
        recommended = [result.primary.play_id, *(a.play_id for a in result.alternatives)]
        checks = none_in(self.forbid_plays, recommended, "recommends {}")
        fired = {s.id for s in result.signals}
        return checks + none_in(self.signals_exclude, fired, "signal {} should not fire")
