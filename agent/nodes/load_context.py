"""load_context: fetch the deal and each upstream agent's data; record what is missing."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

from langgraph.runtime import Runtime

from agent.analysis.missing import missing_inputs
from agent.analysis.thresholds import STALE_UPSTREAM_DAYS
from agent.contracts.context import DealContext
from agent.contracts.request import CoachingRequest
from agent.contracts.response import Warning
from agent.memo import PerObject
from agent.reading.speaker_mapping import map_speakers
from agent.reading.transcripts import parse_transcript
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState, request_of
from tools.deal_source import DealSource, InlineSource
from tools.sources import workspace_source
from tools.upstream.source import upstream_source


def _stale(ctx: DealContext, as_of: dt.date) -> list[Warning]:
    warnings = []
    for name in ("risk", "qualification"):
        section = getattr(ctx, name)
        assessed = getattr(section, "assessed_on", None) if section else None
        if assessed and (as_of - assessed).days > STALE_UPSTREAM_DAYS:
            warnings.append(
                Warning(
                    code="stale_data",
                    ref=f"{name}.assessed_on",
                    message=f"the {name} assessment is {(as_of - assessed).days} days old; ask the "
                    f"upstream agent to refresh it",
                )
            )
    return warnings


def with_transcript(ctx: DealContext, request: CoachingRequest) -> DealContext:
    """A transcript in the request becomes part of the input, mapped to the deal's people, so
    'transcript.utterances[i]' cites like any other input path."""
    if not (request.transcript or "").strip():
        return ctx
    text, source = str(request.transcript), request.transcript_source or "inline"
    key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), source)
    return _WITH_TRANSCRIPT.get(ctx, key, lambda: _attached(ctx, text, source))


def _attached(ctx: DealContext, text: str, source: str) -> DealContext:
    parsed = parse_transcript(text, source=source)
    return ctx.model_copy(update={"transcript": map_speakers(parsed, ctx.deal)})


# One context per deal object and call (agent/memo.py): the same call sent again about an
# unchanged deal is the same input, so its reading and analysis are kept with that object
# instead of parsing the call and reading the whole record again.
_WITH_TRANSCRIPT: PerObject[DealContext] = PerObject(maxsize=16)


def load_context(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    started = time.perf_counter()
    request = request_of(state)
    source: DealSource
    chosen = settings(runtime.context)
    if request.deal is not None:
        if chosen.principal is not None:  # the inline deal must be the principal's to act on
            workspace_source(chosen.workspace, chosen.principal).admit_inline(request.deal.deal)
        source = InlineSource(request.deal)
    else:
        source = upstream_source(
            workspace_source(chosen.workspace, chosen.principal), chosen.upstream
        )
    ctx = with_transcript(source.load_context(request.target_deal_id), request)
    as_of = request.as_of or source.as_of or dt.date.today()
    missing = missing_inputs(ctx)
    warnings = [
        Warning(
            code="missing_input",
            ref=m.section,
            message=f"no {m.provider} data"
            + (f" (the agent's call failed: {m.reason})" if m.reason else "")
            + f": {m.impact}",
        )
        for m in missing
    ]
    warnings += [
        Warning(code="stale_data", ref=section, message=why) for section, why in ctx.stale.items()
    ]
    if ctx.transcript is not None and ctx.transcript.unmapped:
        warnings.append(
            Warning(
                code="data_quality",
                ref="transcript.speakers",
                message=f"speakers not on the deal: {', '.join(ctx.transcript.unmapped)}; their "
                "words count as unknown. Add them as contacts or rename them in the transcript",
            )
        )
    return {
        "request": request,
        "started_at": started,
        "deal": ctx,
        "as_of": as_of,
        "missing_inputs": missing,
        "warnings": warnings + _stale(ctx, as_of),
    }
