"""A capability's draft rendered offline and checked, as the compose and check nodes do it, for
unit tests that build a result directly (without the graph)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from agent.analysis.missing import missing_inputs
from agent.analysis.model import Analysis
from agent.capabilities.registry import capability
from agent.compose.render import render
from agent.contracts.context import DealContext
from agent.grounding.checker import checker_for_draft
from agent.grounding.citations import build_citations, collect_refs
from knowledge.documents import Document


def offline_markdown(
    name: str,
    result: BaseModel,
    ctx: DealContext,
    analysis: Analysis,
    knowledge: Mapping[str, Document],
) -> str:
    """The capability's template rendered over the result, with its citations, no model."""
    citations, _ = build_citations(list(collect_refs(result)), ctx, knowledge)
    return render(
        capability(name).template,
        citations,
        r=result,
        p=None,
        a=analysis,
        deal=ctx.deal,
        close_phrase="",
    )


def assert_grounded(
    result: BaseModel,
    markdown: str,
    ctx: DealContext,
    analysis: Analysis,
    knowledge: Mapping[str, Document],
) -> None:
    """The grounding check passes on the result and its markdown."""
    checker = checker_for_draft(ctx, analysis, missing_inputs(ctx), result, knowledge)
    report = checker.check(result, markdown)[0]
    assert report.passed, [f.detail for f in report.findings]
