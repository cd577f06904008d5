"""Eval keys for process adherence cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, within


class ProcessAdherenceExpectations(Expectations):
    adherence_between: tuple[float, float] | None = None
    missed_steps_include: list[str] = Field(default_factory=list, description="Step ids.")
    waived_steps_include: list[str] = Field(default_factory=list)
    forbid_missed_steps: list[str] = Field(default_factory=list)
    unknown_steps_include: list[str] = Field(
        default_factory=list, description="Steps reported as not known (missing input)."
    )

    def required(self, result: Any) -> list[Check]:
        status = {st.step_id: st.status for st in result.steps}
        checks = (
            [within(result.score, self.adherence_between, "adherence")]
            if (self.adherence_between)
            else []
        )
        checks += [
            (status.get(x) == "missed", f"step {x} not reported missed")
            for x in self.missed_steps_include
        ]
        checks += [
            (status.get(x) == "waived", f"step {x} not reported waived")
            for x in self.waived_steps_include
        ]
        return checks + [
            (status.get(x) == "unknown", f"step {x} is {status.get(x, 'absent')}, not unknown")
            for x in self.unknown_steps_include
        ]

    def forbidden(self, result: Any) -> list[Check]:
        missed = {st.step_id for st in result.steps if st.status == "missed"}
        return [(x not in missed, f"step {x} reported missed") for x in self.forbid_missed_steps]
