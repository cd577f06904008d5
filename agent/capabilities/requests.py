"""Each capability's own typed request, made from its declaration: its subject (a deal id or an
inline deal; a rep), the request fields it reads (`uses`), `as_of` and `options`, each field
defined once, on CoachingRequest. Protocol front ends (MCP tools, A2A skills, HTTP routes) show
it as the capability's input schema, so a new capability folder gets one with no edit there."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from agent.capabilities.registry import Capability, registry
from agent.contracts.request import CoachingRequest, parse_request
from agent.errors import validated_as
from agent.settings import CoachContext

COMMON = ("as_of", "options")
SUBJECT = {"deal": ("deal_id", "deal"), "rep": ("rep_id",)}


def answering() -> list[Capability]:
    """The capabilities a caller can ask for one answer (live assist runs its own engine)."""
    return [c for c in registry().values() if c.draft is not None and c.scope in SUBJECT]


def request_model(spec: Capability) -> type[BaseModel]:
    return _request_model(spec.name)


@cache
def _request_model(name: str) -> type[BaseModel]:
    spec = registry()[name]
    names = [*SUBJECT.get(spec.scope, ()), *spec.uses, *COMMON]
    fields: dict[str, Any] = {}
    for name in names:
        info = CoachingRequest.model_fields[name]
        fields[name] = (info.annotation, info)
    example = {"rep_id": "rep-priya"} if spec.scope == "rep" else {"deal_id": "D-1003"}
    camel = "".join(part.title() for part in spec.name.split("_"))
    examples: list[Any] = [example]
    config = ConfigDict(extra="forbid", json_schema_extra={"examples": examples})
    model: type[BaseModel] = create_model(
        f"{camel}Request", __config__=config, __doc__=spec.summary, **fields
    )
    return model


def capability_request(spec: Capability, arguments: Any, ctx: CoachContext) -> CoachingRequest:
    """A capability's typed arguments (its request_model) as the CoachingRequest they mean,
    completed the way a front end completes it (`prepare`: a debrief's newest transcript)."""
    given = validated_as(
        request_model(spec), arguments, spec.name, fix=f"See the input schema of {spec.name}"
    )
    payload = {"capability": spec.name, **given.model_dump(exclude_unset=True)}
    if spec.prepare is not None:
        payload = spec.prepare(payload, ctx)
    return parse_request(payload, where=spec.name)
