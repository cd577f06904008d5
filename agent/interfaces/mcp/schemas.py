"""The tools' JSON Schemas, kept lean: a host puts input schemas in its model's prompt, so each
carries what its capability takes and no more. The capability's typed request
(agent/capabilities/requests.py) less the inline deal's full schema (`deal` stays, as an object
validated on arrival: `coach schema deal-context` documents it); the response's schema with
`result` narrowed to the capability's own result. Definitions nothing refers to are left out."""

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
    schema = CoachingResponse.model_json_schema(mode="serialization")
    mapping = schema["properties"]["result"].get("discriminator", {}).get("mapping", {})
    if name in mapping:
        schema["properties"]["result"] = {"$ref": mapping[name]}
    return _pruned(schema)
