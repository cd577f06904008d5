"""Where in the CRM record a text sits, read back from its ref: "deal.activities[3].summary" is
the fourth activity's summary. One reading of the refs the reading rules write, for every
module that goes from a fact or a citation back to its note or activity."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple, cast

_ITEM = re.compile(r"^deal\.(notes|activities)\[(\d+)\](?:\.(\w+))?(.*)$", re.S)


class RecordItem(NamedTuple):
    kind: Literal["notes", "activities"]
    at: int
    field: str | None  # "summary", "outcome", "text"; None for the note or activity itself
    below: str  # what the ref goes on to inside that field ("" for most)


def record_item(ref: str) -> RecordItem | None:
    """The note or activity a ref points into, or None for any other ref."""
    m = _ITEM.match(ref)
    if m is None:
        return None
    kind = cast(Literal["notes", "activities"], m.group(1))
    return RecordItem(kind, int(m.group(2)), m.group(3), m.group(4))


def activity_at(ref: str, *fields: str) -> int | None:
    """The index of the activity `ref` points into; with `fields`, only a ref to one of those
    fields of it, exactly ("deal.activities[3].outcome" for "outcome")."""
    item = record_item(ref)
    if item is None or item.kind != "activities":
        return None
    if fields and (item.field not in fields or item.below):
        return None
    return item.at
