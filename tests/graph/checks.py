"""Checks every capability's response must pass on every sample deal."""

from __future__ import annotations

from agent.contracts import CoachingResponse
from agent.contracts.conversation import Transcript
from agent.grounding.citations import resolve_knowledge, resolves
from agent.retrieval import citable_documents
from agent.settings import CoachContext
from tests.conftest import SAMPLE, SAMPLE_DEALS
from tests.graph.test_next_best_action import proper_names
from tools.sources import WorkspaceSource


def assert_grounded_and_contained(
    resp: CoachingResponse, capability: str, deal_id: str, transcript: Transcript | None = None
) -> None:
    """Valid and round-trips, grounding check passed, every citation resolves (into the call's
    transcript too, when there is one), no person or company from another deal, missing inputs
    named."""
    assert resp.result.kind == capability and resp.check.passed, resp.check.findings
    assert CoachingResponse.model_validate_json(resp.model_dump_json()) == resp
    source = WorkspaceSource(SAMPLE)
    ctx = source.load_context(deal_id).model_copy(update={"transcript": transcript})
    docs = citable_documents(CoachContext())
    assert resp.citations
    for c in resp.citations:
        ok = resolve_knowledge(docs, c.ref) if c.kind == "knowledge" else resolves(ctx, c.ref)
        assert ok, c.ref
    own = proper_names(ctx)
    text = resp.markdown + resp.model_dump_json()
    for other in SAMPLE_DEALS:
        if other != deal_id:
            for name in proper_names(source.load_context(other)) - own:
                assert name not in text, f"{name} leaked into {deal_id}"
    assert [m.section for m in resp.missing_inputs] == ctx.absent_sections()
