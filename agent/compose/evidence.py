"""What the model sees besides the draft: the deal facts (always) and evidence items with a
priority, trimmed lowest priority first (latest first within a priority) to fit the budget.

Priorities, highest first: the rep's own message; input the draft cites; knowledge passages the
draft cites; the rest of the free text on the deal (notes, a transcript). The draft itself and
the deal facts are never trimmed: without them there is nothing to rewrite.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from agent.contracts.context import DealContext
from agent.contracts.request import CoachingRequest
from agent.grounding.citations import collect_refs, resolve_input, resolve_knowledge
from agent.model.fence import neutralise
from agent.model.tokens import count_tokens
from knowledge.documents import KB_PREFIX, Document

MESSAGE, CITED_INPUT, CITED_KNOWLEDGE, BACKGROUND = 4, 3, 2, 1
MAX_ITEM_CHARS = 1500
FENCE_TOKENS = 12  # the fence lines around each item (prompts/composer.md)


@dataclass(frozen=True)
class Evidence:
    ref: str
    text: str
    priority: int
    order: int
    tokens: int


def evidence(ref: str, value: Any, priority: int, order: int) -> Evidence:
    text = _text(value)
    return Evidence(ref, text, priority, order, count_tokens(text + ref) + FENCE_TOKENS)


def _text(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = neutralise(text)
    return text if len(text) <= MAX_ITEM_CHARS else text[: MAX_ITEM_CHARS - 1] + "…"


def deal_facts(ctx: DealContext, as_of: str) -> str:
    """Who and what the deal is, in a few lines: the names the model may use."""
    d = ctx.deal
    lines = [
        f"deal {d.id}: {d.name}; account {d.account.name}; stage {d.stage}; "
        f"{d.currency} {d.amount:,.0f}; expected close {d.expected_close}; today {as_of}",
        f"owner (the rep): {d.owner.name}",
        *(f"team: {m.name} ({m.role})" for m in d.team),
        *(f"contact {c.id}: {c.name}, {c.title}, {c.dmu_role}, {c.sentiment}" for c in d.contacts),
    ]
    if d.competitors:
        lines.append("competitors: " + ", ".join(d.competitors))
    return neutralise("\n".join(lines))


def gather(
    draft: BaseModel,
    ctx: DealContext,
    request: CoachingRequest,
    docs: Mapping[str, Document],
) -> list[Evidence]:
    items: list[tuple[str, Any, int]] = []
    if request.message:
        items.append(("request.message", request.message, MESSAGE))
    for ref in dict.fromkeys(collect_refs(draft)):
        if ref.startswith(KB_PREFIX):
            passage = resolve_knowledge(docs, ref)
            if passage:
                items.append((ref, passage, CITED_KNOWLEDGE))
        else:
            found = resolve_input(ctx, ref)
            if found is not None and isinstance(found, BaseModel | str | list | int | float):
                items.append((ref, found, CITED_INPUT))
    cited = {ref for ref, _, _ in items}
    for i, note in enumerate(ctx.deal.notes):
        if f"deal.notes[{i}]" not in cited:
            items.append((f"deal.notes[{i}]", note, BACKGROUND))
    if request.transcript:
        items.append(("request.transcript", request.transcript, BACKGROUND))
    return [evidence(ref, v, p, n) for n, (ref, v, p) in enumerate(items)]


def trim(items: list[Evidence], budget: int) -> tuple[list[Evidence], list[Evidence]]:
    """(kept, most important first; dropped): drop the lowest priority, latest first, until
    the rest fits."""
    total = sum(e.tokens for e in items)
    dropped: list[Evidence] = []
    for item in sorted(items, key=lambda e: (e.priority, -e.order)):
        if total <= budget:
            break
        dropped.append(item)
        total -= item.tokens
    gone = {e.order for e in dropped}
    kept = sorted((e for e in items if e.order not in gone), key=lambda e: (-e.priority, e.order))
    return kept, sorted(dropped, key=lambda e: e.order)
