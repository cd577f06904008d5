"""What the model may change. It rewrites prose; code keeps everything else.

Rule: a field takes the model's value only when it is free text, that is
- its declared type is `str` (or `str | None` with a value in the draft), or `list[str]` with
  the same number of items as the draft's, and
- its name is not one of PROTECTED (identifiers, citations, names, titles, roles, labels,
  excerpts and quotes from the input or knowledge, the customer's own words).
Everything else comes from the draft: ids, citation refs, enumerations (Literal fields), numbers,
dates, booleans, and the shape of every list (the model can neither add nor drop an item).
Nested models are merged field by field by the same rule; lists of models item by item when
the lengths agree, else the draft's list is kept whole. The grounding checker then verifies
the merged text.
"""

from __future__ import annotations

import types
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from agent.grounding.citations import CITATION_FIELDS

M = TypeVar("M", bound=BaseModel)

PROTECTED = frozenset(
    {
        "kind",
        "id",
        "ref",
        "name",
        "title",
        "role",
        "stage",
        "section",
        "excerpt",
        "currency",
        "category",
        "competitor",
        "element",
        "methodology",
        "sentiment",
        "channel",
        "owner",
        "who",
        "contacts",
        "disengaged",
        "path",
        "priorities",
        "questions",
        "root_cause_questions",
        "proof_points",
        "data_answers",
        "customer_agenda",
        "typed_objection",
        # what to check before quoting a competitor (a stale card, an unverified claim) and
        # what to ask when there is no card: provenance a rewrite must not soften
        "cautions",
        "to_find_out",
        "last_verified",
        # post-call analysis: what the call was, what goes into the CRM and to whom the email
        # goes are facts, and quotes stay word for word
        "call",
        "metrics",
        "patch",
        "to",
        "cc",
        "participants",
        "source",
        "transcript_source",
        "message",
        "response",
        "due_text",
        "risks_resolved",
        "risks_added",
        "attendees",
        "speaker",
        "objective",
        "description",
        "lessons",
        "lessons_from_similar",
        *CITATION_FIELDS,
    }
)


def protected(name: str) -> bool:
    return name in PROTECTED or name.endswith(("_id", "_ids", "_ref", "_refs"))


def is_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args == [str]
    return False


def is_text_list(annotation: Any) -> bool:
    return get_origin(annotation) is list and get_args(annotation) == (str,)


def merge_prose(draft: M, candidate: BaseModel) -> M:
    """The draft with the candidate's free text where the rule above allows it."""
    if type(candidate) is not type(draft):
        return draft
    updates: dict[str, Any] = {}
    for name, info in type(draft).model_fields.items():
        old, new = getattr(draft, name), getattr(candidate, name)
        if protected(name) or old is None or new is None:
            continue
        if is_text(info.annotation) and isinstance(new, str) and new.strip():
            updates[name] = new
        elif is_text_list(info.annotation) and len(new) == len(old):
            updates[name] = [n if n.strip() else o for o, n in zip(old, new, strict=True)]
        elif isinstance(old, BaseModel) and isinstance(new, BaseModel):
            updates[name] = merge_prose(old, new)
        elif (
            isinstance(old, list)
            and isinstance(new, list)
            and len(old) == len(new)
            and all(isinstance(o, BaseModel) for o in old)
        ):
            updates[name] = [merge_prose(o, n) for o, n in zip(old, new, strict=True)]
    return draft.model_copy(update=updates) if updates else draft
