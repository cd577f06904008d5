"""Eval keys for performance coaching cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in


class PerformanceCoachingExpectations(Expectations):
    focus_skills_include: list[str] = Field(default_factory=list, description="Skill doc ids.")
    patterns_include: list[str] = Field(default_factory=list, description="Pattern ids.")
    patterns_exclude: list[str] = Field(
        default_factory=list, description="Patterns that must not be claimed."
    )
    role_model_for: dict[str, str] = Field(
        default_factory=dict, description="Skill id -> the rep id suggested as a role model."
    )
    no_role_model_for: list[str] = Field(
        default_factory=list, description="Skills for which no peer may be suggested."
    )

    def required(self, result: Any) -> list[Check]:
        focus = {a.skill: a for a in result.focus_areas}
        checks = each_in(self.focus_skills_include, set(focus), "{} not a focus area")
        found = {p.id for p in result.patterns}
        checks += each_in(self.patterns_include, found, "pattern {} not found")
        for skill, rep_id in self.role_model_for.items():
            models = [m.rep_id for m in focus[skill].role_models] if skill in focus else []
            checks.append((rep_id in models, f"{rep_id} not suggested for {skill}: {models}"))
        return checks

    def forbidden(self, result: Any) -> list[Check]:
        models = {a.skill: [m.name for m in a.role_models] for a in result.focus_areas}
        found = {p.id for p in result.patterns}
        return [
            (not models.get(s), f"peer suggested for {s}: {models.get(s)}")
            for s in self.no_role_model_for
        ] + [(p not in found, f"pattern {p} claimed") for p in self.patterns_exclude]
