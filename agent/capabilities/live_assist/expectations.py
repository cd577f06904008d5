"""Eval keys for live assist cases: a transcript replayed, graded on the cue cards shown."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from agent.capabilities.expectations import Check, Expectations, each_in, none_in


class LiveAssistExpectations(Expectations):
    cards_include: list[str] = Field(default_factory=list, description="Cue card kinds.")
    cards_cite_include: list[str] = Field(
        default_factory=list, description="Knowledge doc ids some card must cite."
    )
    cards_forbid: list[str] = Field(default_factory=list, description="Kinds that must not show.")
    max_cards: int | None = None

    def required(self, result: Any) -> list[Check]:
        cards = result
        kinds = {c.kind for c in cards}
        cited = {r.removeprefix("kb:").split("#")[0] for c in cards for r in c.citations}
        checks = each_in(self.cards_include, kinds, "no {} card")
        return checks + each_in(self.cards_cite_include, cited, "no card cites {}")

    def forbidden(self, result: Any) -> list[Check]:
        cards = result
        checks = none_in(self.cards_forbid, {c.kind for c in cards}, "a {} card showed")
        if self.max_cards is not None:
            checks.append((len(cards) <= self.max_cards, f"{len(cards)} cards > {self.max_cards}"))
        return checks
