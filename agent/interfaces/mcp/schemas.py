"""The tools' JSON Schemas, kept lean: a host puts input schemas in its model's prompt, so each
carries what its capability takes and no more. The capability's typed request
(agent/capabilities/requests.py) less the inline deal's full schema (`deal` stays, as an object
validated on arrival: `coach schema deal-context` documents it) and the response's envelope
(`result` named as the capability's own). Definitions nothing refers to are left out."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from agent.capabilities.registry import registry
from agent.capabilities.requests import request_model
from agent.contracts.response import CoachingResponse

INLINE_DEAL = {
    "type": "object",
    "description": "Inline deal context instead of deal_id: the CRM deal and the upstream "
    "sections (JSON Schema: `coach schema deal-context`).",
}
_REF = re.compile(r'"\$ref":\s*"#/\$defs/([^"]+)"')


def _pruned(schema: dict[str, Any]) -> dict[str, Any]:
    """Only the definitions the schema reaches from its properties."""
    defs: dict[str, Any] = schema.get("$defs", {})
    body = {k: v for k, v in schema.items() if k != "$defs"}
    kept: set[str] = set()
    todo = set(_REF.findall(json.dumps(body)))
    while todo:
        name = todo.pop()
        if name in kept or name not in defs:
            continue
        kept.add(name)
        todo |= set(_REF.findall(json.dumps(defs[name])))
    return {**body, "$defs": {n: defs[n] for n in sorted(kept)}} if kept else body


@cache
def input_schema(name: str) -> dict[str, Any]:
    schema = request_model(registry()[name]).model_json_schema()
    if "deal" in schema.get("properties", {}):
        schema["properties"]["deal"] = {"anyOf": [INLINE_DEAL, {"type": "null"}], "default": None}
    return _pruned(schema)


@cache
def output_schema(name: str) -> dict[str, Any]:
    """The response's envelope, one level deep: clients (the SDK's among them) check every
    result against it, and the full schema (about 16 KB narrowed) costs a few hundred ms a call
    there; `coach schema response` has every field."""
    full = CoachingResponse.model_json_schema(mode="serialization")
    spec = registry()[name]
    title = spec.result.__name__ if spec.result is not None else "result"
    properties = {key: _shallow(value) for key, value in full["properties"].items()}
    properties["result"] = {
        "type": "object",
        "title": title,
        "description": f"{spec.title}: the typed result ({title} in `coach schema response`).",
    }
    return {
        "type": "object",
        "title": "CoachingResponse",
        "description": "The coach's answer; `coach schema response` has the whole schema.",
        "properties": properties,
        "required": full.get("required", []),
    }


def _shallow(schema: dict[str, Any]) -> dict[str, Any]:
    """A property as is when it holds no nested model, else only its outer type."""
    if not _REF.search(json.dumps(schema)):
        return schema
    kept: dict[str, Any] = {k: schema[k] for k in ("title", "description") if k in schema}
    if schema.get("type") == "array":
        return {**kept, "type": "array", "items": {"type": "object"}}
    nullable = any(option.get("type") == "null" for option in schema.get("anyOf", []))
    outer: dict[str, Any] = {"type": "object"}
    return {**kept, "anyOf": [outer, {"type": "null"}]} if nullable else {**kept, **outer}
