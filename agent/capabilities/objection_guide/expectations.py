"""Eval keys for objection guide cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in


class ObjectionGuideExpectations(Expectations):
    top_objection_in: list[str] = Field(default_factory=list, description="Knowledge doc ids.")
    objections_include: list[str] = Field(default_factory=list)

    def required(self, result: Any) -> list[Check]:
        ranked = [o.objection_id for o in result.objections]
        checks: list[Check] = []
        if self.top_objection_in:
            top = ranked[0] if ranked else "none"
            checks.append((top in self.top_objection_in, f"top objection {top}"))
        return checks + each_in(self.objections_include, ranked, "{} not in the guide")
