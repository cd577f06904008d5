"""Graph state. Nodes return partial updates; only `warnings` accumulates across nodes.

`deal` holds the deal being coached (the CRM record and the upstream agents' sections), `rep`
the material of a rep-level request; run-time settings are not state: they arrive as the
graph's context (`runtime.context`, a CoachContext)."""

from __future__ import annotations

import datetime as dt
import operator
from typing import Annotated, Any, TypedDict

from typing_extensions import TypedDict as SchemaDict

from agent.analysis.model import Analysis
from agent.contracts.context import DealContext
from agent.contracts.facts import Reading
from agent.contracts.rep import RepContext
from agent.contracts.request import CoachingRequest, parse_request
from agent.contracts.response import (
    CapabilityResult,
    Citation,
    CoachingResponse,
    Composition,
    MissingInput,
    Warning,
)
from agent.sanitise import OutputPolicy


# The graphs' input and output: typing_extensions' TypedDict, so that pydantic writes their
# JSON Schema on Python 3.11 too (a LangGraph server and Studio show it).
class InputState(SchemaDict):
    request: CoachingRequest


class OutputState(SchemaDict):
    response: CoachingResponse


class CoachState(TypedDict, total=False):
    request: CoachingRequest
    started_at: float
    deal: DealContext  # deal-level requests
    rep: RepContext  # rep-level requests: the rep's deals, analytics, history, calls
    as_of: dt.date
    missing_inputs: list[MissingInput]
    warnings: Annotated[list[Warning], operator.add]
    reading: Reading  # facts read from the deal's free text (the read node)
    model_down: bool  # the read node found the model unreachable: later nodes do not retry
    withheld: frozenset[str]  # input passages flagged as instructions: never repeated (read)
    analysis: Analysis
    result: CapabilityResult
    grounds: list[Any]  # material a capability drew on beyond the input and cited passages
    markdown: str
    citations: list[Citation]
    policy: OutputPolicy  # what may leave in the answer: compose renders with it, check cleans
    composition: Composition
    response: CoachingResponse


def request_of(state: CoachState) -> CoachingRequest:
    """The state's request as the contract: LangGraph does not convert a graph's input, so a
    request sent as JSON (a LangGraph server, Studio, a parent graph) arrives as a dict and is
    validated here, at the graph's first node, with the one readable message."""
    given: Any = state["request"]
    return given if isinstance(given, CoachingRequest) else parse_request(given)
