"""What an eval case may expect of a capability's result: each capability declares its own keys
(a subclass in its folder's `expectations.py`) and how to check them on its typed result.

A check is a pair (holds, why not). `required` checks must hold; `forbidden` checks say what
must not appear. Keys every capability shares (missing inputs, forbidden names, text patterns,
budgets, the rubric) live with the eval harness, not here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

Check = tuple[bool, str]


class Expectations(BaseModel):
    """The keys a capability's eval cases may use; unknown keys are errors in the case file."""

    model_config = ConfigDict(extra="forbid")

    def required(self, result: Any) -> list[Check]:
        return []

    def forbidden(self, result: Any) -> list[Check]:
        return []


def within(value: float, bounds: tuple[float, float], what: str) -> Check:
    low, high = bounds
    return low <= value <= high, f"{what} {value:.2f} outside [{low}, {high}]"


def one_of(value: Any, allowed: list[Any], what: str) -> list[Check]:
    """Nothing to check when the case lists nothing."""
    return [(value in allowed, f"{what} {value} not in {allowed}")] if allowed else []


def each_in(wanted: list[Any], found: set[Any] | list[Any], message: str) -> list[Check]:
    """One check per wanted item; `message` is formatted with the item."""
    return [(w in found, message.format(w)) for w in wanted]


def none_in(unwanted: list[Any], found: set[Any] | list[Any], message: str) -> list[Check]:
    return [(w not in found, message.format(w)) for w in unwanted]
