"""Graph state. Nodes return partial updates; only `warnings` accumulates across nodes."""

from __future__ import annotations

import datetime as dt
import operator
from typing import Annotated, Any, TypedDict

from agent.analysis.model import Analysis
from agent.capabilities.process_adherence.contract import StepCheck
from agent.contracts.context import DealContext
from agent.contracts.rep import RepContext
from agent.contracts.request import CoachingRequest
from agent.contracts.response import (
    CapabilityResult,
    Citation,
    CoachingResponse,
    Composition,
    MissingInput,
    Warning,
)


class InputState(TypedDict):
    request: CoachingRequest


class OutputState(TypedDict):
    response: CoachingResponse


class CoachState(TypedDict, total=False):
    request: CoachingRequest
    started_at: float
    context: DealContext
    as_of: dt.date
    missing_inputs: list[MissingInput]
    warnings: Annotated[list[Warning], operator.add]
    analysis: Analysis
    result: CapabilityResult
    grounds: list[Any]  # material a capability drew on beyond the input and cited passages
    markdown: str
    citations: list[Citation]
    composition: Composition
    response: CoachingResponse


class RepState(TypedDict, total=False):
    """Rep-level requests (performance coaching): many deals, one rep."""

    request: CoachingRequest
    started_at: float
    rep: RepContext
    as_of: dt.date
    missing_inputs: list[MissingInput]
    warnings: Annotated[list[Warning], operator.add]
    analyses: dict[str, Analysis]
    steps: list[tuple[str, list[StepCheck]]]
    step_skills: dict[str, str]
    result: CapabilityResult
    markdown: str
    citations: list[Citation]
    composition: Composition
    response: CoachingResponse
