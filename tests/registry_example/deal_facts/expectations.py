"""Eval keys for deal facts cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in


class DealFactsExpectations(Expectations):
    labels_include: list[str] = Field(default_factory=list)

    def required(self, result: Any) -> list[Check]:
        return each_in(self.labels_include, {f.label for f in result.facts}, "no fact {}")
