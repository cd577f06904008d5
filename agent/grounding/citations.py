"""Citation refs: resolve 'deal.activities[3]' or 'kb:play-id#section' to what they point at."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from agent.contracts.context import INPUT_ROOTS, DealContext
from agent.contracts.rep import RepContext
from agent.contracts.response import Citation
from agent.formatting import shorten
from agent.memo import Held, PerObject, Recent, content_of
from knowledge.documents import KB_PREFIX, Document

_ROOTS = "|".join(INPUT_ROOTS)
_PATH = re.compile(rf"^({_ROOTS})((?:\.\w+|\[\d+\])*)$")
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")
_DEAL_REF = re.compile(r"^([\w-]+):(.+)$")
_REP_PATH = re.compile(r"^(analytics|history|calls|rep)((?:\.\w+|\[\d+\])*)$")
_MISSING = object()
CITATION_FIELDS = frozenset({"citations", "strategy_citations"})


def readable(value: Any) -> str:
    """A record as a reader scans it ("competitor: Helixor; strengths: speed, price"), not as
    JSON: empty fields are left out, lists are joined, nested records are bracketed."""
    if isinstance(value, dict):
        parts = [
            f"{str(k).replace('_', ' ')}: {readable(v)}"
            for k, v in value.items()
            if v not in (None, "", [], {})
        ]
        return "; ".join(parts)
    if isinstance(value, list):
        return ", ".join(f"({readable(v)})" if isinstance(v, dict) else readable(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def resolve_input(ctx: DealContext | RepContext, ref: str) -> Any:
    """The object a path points at, or _MISSING; never raises on a bad path."""
    if isinstance(ctx, RepContext):
        return _resolve_rep(ctx, ref)
    match = _PATH.match(ref)
    if not match:
        return _MISSING
    return _walk(getattr(ctx, match.group(1)), match.group(2))


def _resolve_rep(ctx: RepContext, ref: str) -> Any:
    """Rep-level refs: `D-1003:deal.activities[3]` into one of the rep's deals, else a path
    from the rep's own material (`analytics.reps[0]`, `history[1]`, `calls[0]`)."""
    if (deal_ref := _DEAL_REF.match(ref)) is not None:
        deal = ctx.deal(deal_ref.group(1))
        return _MISSING if deal is None else resolve_input(deal, deal_ref.group(2))
    match = _REP_PATH.match(ref)
    if not match:
        return _MISSING
    return _walk(getattr(ctx, match.group(1)), match.group(2))


def _walk(node: Any, path: str) -> Any:
    for attr, index in _STEP.findall(path):
        if node is None:
            return _MISSING
        if attr:
            if not isinstance(node, BaseModel) or attr not in type(node).model_fields:
                return _MISSING
            node = getattr(node, attr)
        else:
            if not isinstance(node, list) or int(index) >= len(node):
                return _MISSING
            node = node[int(index)]
    return node


def resolves(ctx: DealContext | RepContext, ref: str) -> bool:
    """True when the path exists in the contract (its value may be empty: 'not recorded')."""
    return resolve_input(ctx, ref) is not _MISSING


def resolve_knowledge(docs: Mapping[str, Document], ref: str) -> str | None:
    body = ref.removeprefix(KB_PREFIX)
    doc_id, _, anchor = body.partition("#")
    doc = docs.get(doc_id)
    if doc is None:
        return None
    if not anchor:
        return doc.title
    section = doc.section(anchor)
    return f"{doc.title}: {section.heading}. {section.text}" if section else None


def describe(node: Any) -> str:
    """A short human excerpt of a cited input element."""
    if node is None:
        return "(not recorded)"
    if isinstance(node, BaseModel):
        data = node.model_dump(mode="json")
        if {"speaker", "text", "index"} <= data.keys():
            return shorten(f"{data['speaker']}: {data['text']}")
        if {"date", "type", "summary"} <= data.keys():
            return shorten(f"{data['date']} {data['type']}: {data['summary']}")
        if {"name", "title", "dmu_role"} <= data.keys():
            return shorten(
                f"{data['name']}, {data['title']} ({data['dmu_role']}, sentiment "
                f"{data['sentiment']})"
            )
        if {"stage", "entered"} <= data.keys():
            return f"entered {data['stage']} on {data['entered']}"
        if {"from_date", "to_date"} <= data.keys():
            reason = f" ({data['reason']})" if data.get("reason") else ""
            return shorten(
                f"{data['changed_on']}: close moved from {data['from_date']} to "
                f"{data['to_date']}{reason}"
            )
        if {"action", "success_rate", "sample"} <= data.keys():
            return (
                f"{data['action']}: succeeded {round(data['success_rate'] * 100)}% of the "
                f"time over {data['sample']} deals"
            )
        if {"to_win", "to_next", "sample"} <= data.keys():
            return (
                f"{data['stage']}: {round(data['to_win'] * 100)}% won, "
                f"{round(data['to_next'] * 100)}% moved on ({data['sample']} deals)"
            )
        if {"rep_id", "win_rate", "deals_won"} <= data.keys():
            return (
                f"{data['name']}: win rate {round(data['win_rate'] * 100)}% "
                f"({data['deals_won']} won, {data['deals_lost']} lost)"
            )
        if {"capability", "title", "deal_id", "as_of"} <= data.keys():
            return shorten(
                f"{data['as_of']} {data['deal_id']} {data['capability']}: {data['title']}"
            )
        if {"skill", "rep_id", "metric"} <= data.keys():
            return shorten(f"{data['name']} ({data['skill']}): {data['metric']}")
        if {"seller_share", "source", "deal_id"} <= data.keys():
            return (
                f"{data['deal_id']} {data['source']}: seller talk share "
                f"{round(data['seller_share'] * 100)}%, {data['seller_questions']} questions"
            )
        for key in ("description", "summary", "message", "text", "name"):
            if isinstance(data.get(key), str):
                return shorten(data[key])
        return shorten(readable(data))
    if isinstance(node, list):
        if (
            node
            and isinstance(node[0], BaseModel)
            and {"speaker", "text"} <= set(type(node[0]).model_fields)
        ):
            return f"the whole call ({len(node)} utterances)"
        if node and all(isinstance(n, BaseModel | str) for n in node):
            return shorten("; ".join(describe(n) if isinstance(n, BaseModel) else n for n in node))
        return f"{len(node)} item(s)"
    return shorten(str(getattr(node, "isoformat", lambda: node)()))


def collect_refs(value: Any) -> Iterator[str]:
    """Every citation ref anywhere in a result, in order of appearance."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            field = getattr(value, name)
            if name in CITATION_FIELDS and isinstance(field, list):
                yield from (r for r in field if isinstance(r, str))
            else:
                yield from collect_refs(field)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from collect_refs(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from collect_refs(item)


def refs_of(result: BaseModel) -> list[str]:
    """collect_refs of a result, kept per result object (compose cites the result the
    capability drafted, and check verifies that same object) and per content (a warm request
    about an unchanged deal drafts an equal result)."""
    return list(_REFS.get(result, None, lambda: _refs_of_content(result)))


def _refs_of_content(result: BaseModel) -> tuple[str, ...]:
    return _BY_CONTENT.get((type(result), content_of(result)), lambda: tuple(collect_refs(result)))


_REFS: PerObject[tuple[str, ...]] = PerObject(maxsize=32)
_BY_CONTENT: Recent[tuple[type[BaseModel], str], tuple[str, ...]] = Recent(maxsize=64)


def build_citations(
    refs: list[str], ctx: DealContext | RepContext, docs: Mapping[str, Document]
) -> tuple[list[Citation], list[str]]:
    """Citations with excerpts for resolvable refs, and the refs that did not resolve."""
    citations, broken = [], []
    described = _DESCRIBED.get(ctx, None, dict)
    cited = _cited_knowledge(docs)
    for ref in dict.fromkeys(refs):
        if ref.startswith(KB_PREFIX):
            if ref not in cited:
                text = resolve_knowledge(docs, ref)
                cited[ref] = None
                if text is not None:
                    cited[ref] = Citation(ref=ref, kind="knowledge", excerpt=shorten(text))
            if (known := cited[ref]) is None:
                broken.append(ref)
            else:
                citations.append(known)
            continue
        if ref not in described:
            node = resolve_input(ctx, ref)
            described[ref] = None
            if node is not _MISSING:
                described[ref] = Citation(ref=ref, kind="input", excerpt=describe(node))
        citation = described[ref]
        if citation is None:
            broken.append(ref)
        else:
            citations.append(citation)
    return citations, broken


# What each input ref of a context resolves to, described once per context object (a workspace
# hands out the same object while the deal's files are unchanged, agent/memo.py): compose and
# check both cite, and a large deal's answer cites thousands of its activities.
_DESCRIBED: PerObject[dict[str, Citation | None]] = PerObject(maxsize=64)


def _cited_knowledge(docs: Mapping[str, Document]) -> dict[str, Citation | None]:
    """What each knowledge ref resolves to, described once per loaded set of documents (an
    index version's, agent/retrieval.py: the same mapping while the index is unchanged)."""
    return _KNOWLEDGE.get((docs,), dict)


_KNOWLEDGE: Held[dict[str, Citation | None]] = Held(maxsize=8)
