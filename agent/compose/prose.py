"""The prose view of a draft: only the fields a model may rewrite, as a schema of their own.

The model is shown the draft's free text and asked for the same text back, rewritten, in a
schema derived from the result's (same names, same nesting, text fields only). Ids, citations,
numbers, dates and enumerations never travel: the model cannot change what it never sees, and
a debrief or a strategy fits a small context window. The answer is laid back onto the draft
and merged by merge.py's rule, so the result keeps the capability's full schema.
"""

from __future__ import annotations

import types
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from agent.compose.merge import is_text, is_text_list, merge_prose, protected

M = TypeVar("M", bound=BaseModel)


class Prose(BaseModel):
    """Base of every prose schema: unknown keys are ignored, so a fuller answer still parses."""

    model_config = ConfigDict(extra="ignore")


def _nested(annotation: Any) -> tuple[type[BaseModel], bool] | None:
    """(model, is_list) for `Model`, `Model | None` and `list[Model]` fields."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0], True
    if origin in (Union, types.UnionType):
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if len(models) == 1 and len(args) == 2 and type(None) in args:
            return models[0], False
    return None


@cache
def prose_schema(cls: type[BaseModel]) -> type[Prose] | None:
    """The schema of `cls`'s rewritable text, or None when it has none."""
    fields: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if protected(name):
            continue
        annotation = info.annotation
        if is_text(annotation):
            fields[name] = (str | None, None)
        elif is_text_list(annotation):
            fields[name] = (list[str], Field(default_factory=list))
        elif (nested := _nested(annotation)) is not None:
            inner = prose_schema(nested[0])
            if inner is None:
                continue
            if nested[1]:
                fields[name] = (list[inner], Field(default_factory=list))  # type: ignore[valid-type]
            else:
                fields[name] = (inner | None, None)
    if not fields:
        return None
    return create_model(f"{cls.__name__}Prose", __base__=Prose, __doc__=cls.__doc__, **fields)


def prose_of(draft: BaseModel) -> Prose | None:
    """The draft's rewritable text in its prose schema."""
    schema = prose_schema(type(draft))
    return schema.model_validate(draft.model_dump()) if schema else None


def _overlay(data: dict[str, Any], prose: dict[str, Any]) -> None:
    """The prose answer laid onto the draft's data; lists only where the lengths agree."""
    for key, new in prose.items():
        old = data.get(key)
        if isinstance(new, str) and isinstance(old, str):
            data[key] = new
        elif isinstance(new, dict) and isinstance(old, dict):
            _overlay(old, new)
        elif isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
            for i, (o, n) in enumerate(zip(old, new, strict=True)):
                if isinstance(o, dict) and isinstance(n, dict):
                    _overlay(o, n)
                elif isinstance(o, str) and isinstance(n, str):
                    old[i] = n


def apply_prose(draft: M, prose: BaseModel) -> M:
    """The draft with the model's rewritten text, by merge.py's rule; the draft itself when
    the answer cannot be laid onto it."""
    data = draft.model_dump()
    _overlay(data, prose.model_dump(exclude_none=True))
    try:
        candidate = type(draft).model_validate(data)
    except ValidationError:
        return draft
    return merge_prose(draft, candidate)
