"""What a draft result holds that code computed, read in one walk and kept per content: its
leaf texts and numbers, the length of each list (a count a template may write), the dates in
typed fields, and its widest mapping.

The grounding check trusts these values (code, not a model, put them there), and the output
sanitiser reads the same walk to know what it would clean and cut (texts_and_width), so the
result is walked once per content, not once per use.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any

from pydantic import BaseModel

from agent.grounding.grounds import leaves
from agent.memo import content_of

# leaf texts, numbers, list lengths, typed dates, and how many entries the largest mapping holds
_DraftValues = tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...], tuple[str, ...], int]
_DRAFTS: OrderedDict[tuple[type[BaseModel], str], _DraftValues] = OrderedDict()
_DRAFTS_LOCK = threading.Lock()


def draft_values(draft: BaseModel) -> _DraftValues:
    """A draft's leaf texts and numbers, its list lengths and its typed dates, kept per content
    (its type and JSON): a builder makes a new result object on every request, but a warm
    request about an unchanged deal makes an equal one, so it is walked once."""
    key = (type(draft), content_of(draft))
    with _DRAFTS_LOCK:
        kept = _DRAFTS.get(key)
        if kept is not None:
            _DRAFTS.move_to_end(key)
            return kept
    lengths, dates, widest = _shape(draft.model_dump(mode="python"))
    texts, numbers = leaves(draft)
    values = (
        tuple(texts),
        tuple(numbers),
        tuple(float(n) for n in lengths),
        tuple(v.isoformat() for v in dates),
        widest,
    )
    with _DRAFTS_LOCK:
        _DRAFTS[key] = values
        while len(_DRAFTS) > 128:
            _DRAFTS.popitem(last=False)
    return values


def longest_list(model: BaseModel) -> int:
    """How many items the longest list anywhere in a model holds (0 for none)."""
    return int(max(draft_values(model)[2], default=0))


def texts_and_width(model: BaseModel) -> tuple[tuple[str, ...], int]:
    """Every string of a model's JSON form (its keys too), and how many items its longest list
    or entries its largest mapping (a nested model's fields included) holds: what the output
    sanitiser would clean and cut, from the walk the check made of the same result."""
    texts, _, lengths, _, widest = draft_values(model)
    return texts, max(int(max(lengths, default=0)), widest)


def _shape(value: Any) -> tuple[list[int], list[dt.date], int]:
    """How many items each list of the draft holds (a count a template may write) and the
    dates the code put in typed fields (plans, deadlines: computed, so trusted), in one walk
    of its plain data, in the order of a depth-first walk; and the most entries a mapping of
    it holds."""
    lengths: list[int] = []
    dates: list[dt.date] = []
    widest = 0
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is int or kind is float or kind is bool or item is None:
            continue
        if kind is dict or (kind is not list and isinstance(item, dict)):
            widest = max(widest, len(item))
            extend(reversed(item.values()))
        elif kind is list or isinstance(item, list | tuple):
            lengths.append(len(item))
            extend(reversed(item))
        elif isinstance(item, dt.date):
            dates.append(item)
    return lengths, dates, widest
