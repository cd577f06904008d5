"""The response envelope both graphs return: the checked result, its markdown and citations,
what was missing, the warnings, how it was composed, and the events for downstream agents.

It is the exit of every answer: the result (with its customer copies: message drafts,
e-mails, the CRM patch), the citations' excerpts and the events pass the one sanitiser here,
after the grounding check has read them as they were; the markdown passed it as it was
rendered (agent/compose/render.py). The outbox writes these events as they are. Warnings are
the agent's own words about the run (they name refs and settings, never quote the input)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from pydantic import BaseModel

from agent.contracts.events import DownstreamEvent
from agent.contracts.response import CoachingResponse, Warning
from agent.grounding.checker import GroundingChecker
from agent.grounding.draft_values import longest_list, texts_and_width
from agent.intake import LIMITS
from agent.sanitise import STRICT, OutputPolicy, clean, cleaner


def checked_response(
    state: Mapping[str, Any],
    checker: GroundingChecker,
    events: Sequence[DownstreamEvent],
    policy: OutputPolicy = STRICT,
    *,
    deal_id: str | None = None,
    rep_id: str | None = None,
) -> CoachingResponse:
    """The response for a graph state holding result, markdown, composition, warnings,
    missing_inputs, as_of and started_at; a failed check becomes one grounding warning."""
    result = state["result"]
    report, citations = checker.check(result, state["markdown"])
    warnings = list(state.get("warnings", []))
    cut: list[str] = []
    if longest_list(result) > LIMITS.list_items:  # most answers have no list to cut
        result = capped(result, LIMITS.list_items, "result", cut)
    markdown = _capped_markdown(state["markdown"], LIMITS.markdown, cut)
    if cut:
        shown = "; ".join(cut[:5]) + (f"; and {len(cut) - 5} more" if len(cut) > 5 else "")
        warnings.append(Warning(code="truncated", message=f"the response was cut: {shown}"))
    if not report.passed:
        warnings.append(
            Warning(code="grounding", message="; ".join(f.detail for f in report.findings[:5]))
        )
    latency = (time.perf_counter() - state["started_at"]) * 1000
    return CoachingResponse(
        capability=result.kind,
        deal_id=deal_id,
        rep_id=rep_id,
        as_of=state["as_of"],
        # lists already capped above, with a warning; the check's walk says what to clean
        result=clean(result, policy, partial(texts_and_width, result)),
        markdown=markdown,
        citations=cleaner(policy).flat(citations),
        missing_inputs=state["missing_inputs"],
        warnings=warnings,
        composition=state["composition"].model_copy(update={"latency_ms": round(latency, 2)}),
        check=report,
        events=clean(list(events), policy),
    )


def capped(model: Any, limit: int, path: str, cut: list[str]) -> Any:
    """The result with every list longer than `limit` cut to its first items, each cut named
    in `cut`: a huge input (a 20,000-turn call) gives a bounded response that says so."""
    if not isinstance(model, BaseModel):
        return model
    update: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        where = f"{path}.{name}"
        if isinstance(value, list):
            kept = value[:limit]
            if len(value) > limit:
                cut.append(f"{where} keeps {limit} of {len(value)}")
            items = [capped(v, limit, f"{where}[{i}]", cut) for i, v in enumerate(kept)]
            if len(value) > limit or any(a is not b for a, b in zip(items, kept, strict=True)):
                update[name] = items
        elif isinstance(value, BaseModel):
            inner = capped(value, limit, where, cut)
            if inner is not value:
                update[name] = inner
    return model.model_copy(update=update) if update else model


def _capped_markdown(markdown: str, limit: int, cut: list[str]) -> str:
    if len(markdown) <= limit:
        return markdown
    cut.append(f"markdown keeps {limit} of {len(markdown)} characters")
    head = markdown[:limit].rsplit("\n", 1)[0]
    return f"{head}\n\n_(cut here: the rest is longer than this answer may be)_\n"
