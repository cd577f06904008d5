"""Process adherence: the deal against its sales process, and the rep's pattern across deals."""

from __future__ import annotations

from typing import Any

from agent.analysis.kept import analysis_of
from agent.capabilities.process_adherence.build import assess, check_steps
from agent.capabilities.process_adherence.expectations import ProcessAdherenceExpectations
from agent.capabilities.process_adherence.process import process_for
from agent.capabilities.registry import Capability, Draft, Inputs
from agent.errors import InvalidInput
from knowledge.plays import Play, load_plays
from tools.sources import workspace_source
from tools.upstream.source import upstream_source


def _rep_deals(inputs: Inputs, plays: tuple[Play, ...]) -> list[tuple[str, list[Any]]]:
    """Steps of every deal the same rep owns in the workspace (inline requests: this deal),
    found through the workspace catalogue: only the rep's deals are read."""
    this = inputs.ctx
    own = [(this.deal.id, this)]
    if inputs.request.deal is None:
        source = workspace_source(inputs.settings.workspace, inputs.settings.principal)
        contexts = upstream_source(source, inputs.settings.upstream)  # the same sections as ctx
        own = [(d, contexts.load_context(d)) for d in source.rep_deal_ids(this.deal.owner.id)]
        own = [(d, c) for d, c in own if c.deal.owner.id == this.deal.owner.id]
    result = []
    for deal_id, ctx in own:
        try:
            process = process_for(ctx, inputs.settings)
        except InvalidInput:
            continue  # a deal of another process model says nothing about this one
        analysis = inputs.signals if deal_id == this.deal.id else analysis_of(ctx, inputs.as_of)
        result.append((deal_id, check_steps(ctx, analysis, process, plays)))
    return result


def draft(inputs: Inputs) -> Draft:
    plays = load_plays(inputs.settings.plays_dir)
    process = process_for(inputs.ctx, inputs.settings)
    rep_deals = _rep_deals(inputs, plays)
    result = assess(inputs.ctx, inputs.signals, process, plays, rep_deals)
    # What the result quotes beyond this deal is material the checker must know: a default
    # process from knowledge, and the rep's other deals the pattern counts (their ids, which
    # a CRM may start with digits, "97WEHB4X", are not numbers the answer made up).
    quoted = (process.standard,) if process.doc_id else ()
    return Draft(result, (*quoted, rep_deals))


CAPABILITY = Capability(
    name="process_adherence",
    node="check_process_adherence",
    title="Process adherence",
    summary="Process adherence: steps done, missed, waived; corrections; the rep's pattern.",
    draft=draft,
    command="adherence",
    expectations=ProcessAdherenceExpectations,
    events=lambda result: [result.insight],
    median_target_ms=30,
)
