"""Shared base for every contract: strict about unknown fields so typos in input files surface."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from agent.intake import LIMITS, id_problem, tree_problem

SCHEMA_VERSION = "1.0"

# The validation context for data this program wrote itself from a contract it had validated
# within the limits it still runs with (the deal cache: the limits are part of its key): the
# payload is validated again, but not walked for the limits again.
WITHIN_LIMITS: dict[str, Any] = {"within_limits": True}

Severity = Literal["low", "medium", "high", "critical"]
Level = Literal["low", "medium", "high"]
# When advice should be acted on.
Timing = Literal["immediate", "this_week", "next_week"]


class Contract(BaseModel):
    """Base model: unknown keys are errors, so a misspelt field never silently drops data;
    infinity and NaN are never a number (`amount: .inf` would reach arithmetic that fails)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class InputContract(Contract):
    """A contract data arrives in from outside (a request, an inline deal): the raw payload is
    checked once, before validation, for what no field type catches: nesting beyond the limit,
    too many values, lone surrogates (an escaped '\\ud800' that no output can encode)."""

    @model_validator(mode="before")
    @classmethod
    def _within_limits(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context is WITHIN_LIMITS:
            return data
        problem = tree_problem(data)
        if problem is not None:
            raise ValueError(problem)
        return data


def _fits_a_file_name(value: str) -> str:
    """A deal id names its folder: at most LIMITS.id_length bytes, as file systems count."""
    problem = id_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


# An identifier (deal, rep, contact): long enough for any CRM, short enough for a file name.
Id = Annotated[
    str, Field(min_length=1, max_length=LIMITS.id_length), AfterValidator(_fits_a_file_name)
]
