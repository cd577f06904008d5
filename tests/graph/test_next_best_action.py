"""The whole graph on every sample deal: valid, cited, grounded, and right for its scenario."""

from __future__ import annotations

import re
from functools import cache

import pytest

from agent.contracts import CoachingRequest, CoachingResponse
from agent.contracts.context import DealContext
from agent.errors import UnknownCapability
from agent.graph import graph
from agent.grounding.citations import resolve_knowledge, resolves
from agent.retrieval import citable_documents
from agent.service import coach
from agent.settings import CoachContext
from tests.conftest import SAMPLE, SAMPLE_DEALS
from tools.sources import WorkspaceSource


@cache
def response(deal_id: str) -> CoachingResponse:
    return coach(CoachingRequest(capability="next_best_action", deal_id=deal_id))


def context(deal_id: str) -> DealContext:
    return WorkspaceSource(SAMPLE).load_context(deal_id)


def proper_names(ctx: DealContext) -> set[str]:
    deal = ctx.deal
    names = {
        deal.account.name,
        *(c.name for c in deal.contacts),
        deal.owner.name,
        *(m.name for m in deal.team),
        *(n.author for n in deal.notes),
        *(e.approved_by or "" for e in deal.process_exceptions),
    }
    return {n for n in names if n}


@pytest.mark.parametrize("deal_id", SAMPLE_DEALS)
def test_response_is_valid_and_round_trips(deal_id: str) -> None:
    resp = response(deal_id)
    again = CoachingResponse.model_validate_json(resp.model_dump_json())
    assert again == resp
    primary = resp.result.primary
    assert primary.steps and primary.success_criteria and primary.expected_outcome
    assert primary.rationale or primary.play_id == "play-secure-next-step"
    assert 0 < primary.probability.value < 1
    assert resp.composition.method == "template" and resp.composition.model_calls == 0


@pytest.mark.parametrize("deal_id", SAMPLE_DEALS)
def test_every_citation_resolves_into_the_input_or_knowledge(deal_id: str) -> None:
    resp = response(deal_id)
    ctx = context(deal_id)
    assert resp.check.passed, resp.check.findings
    assert resp.citations
    for citation in resp.citations:
        if citation.kind == "input":
            assert resolves(ctx, citation.ref), citation.ref
        else:
            assert resolve_knowledge(citable_documents(CoachContext()), citation.ref), citation.ref
    for item in resp.result.primary.rationale:
        assert item.citations, f"signal {item.signal} has no citation"
    cited = {c.ref for c in resp.citations}
    for n in re.findall(r"\[(\d+)\]", resp.markdown.split("## Sources")[0]):
        assert int(n) <= len(cited)


@pytest.mark.parametrize("deal_id", SAMPLE_DEALS)
def test_no_person_or_company_from_another_deal_appears(deal_id: str) -> None:
    own = proper_names(context(deal_id))
    text = response(deal_id).markdown + response(deal_id).model_dump_json()
    for other in SAMPLE_DEALS:
        if other == deal_id:
            continue
        for name in proper_names(context(other)) - own:
            assert name not in text, f"{name} from {other} leaked into {deal_id}"


@pytest.mark.parametrize("deal_id", SAMPLE_DEALS)
def test_missing_sections_are_listed_and_explained(deal_id: str) -> None:
    resp = response(deal_id)
    absent = context(deal_id).absent_sections()
    assert [m.section for m in resp.missing_inputs] == absent
    assert len(resp.result.limitations) == len(absent)
    if absent:
        assert "What this advice could not see" in resp.markdown


SCENARIOS = {
    "D-1002": "play-reengage-champion",  # champion went quiet
    "D-1003": "play-engage-economic-buyer",  # no EB engaged in Negotiation
    "D-1004": "play-reset-close-plan",  # close date slipped twice
    "D-1005": "play-requalify-stage",  # stage its evidence does not support
    "D-1006": "play-ask-for-the-business",  # fast clean win
    "D-1009": "play-revive-stalled-deal",  # no activity for six weeks
    "D-1010": "play-address-detractor",  # blocker backing a competitor
    "D-1011": "play-reset-close-plan",  # close date passed
    "D-1014": "play-build-mutual-action-plan",  # no plan to signature
}


@pytest.mark.parametrize(("deal_id", "play"), SCENARIOS.items())
def test_scenario_deals_get_the_play_a_coach_would_pick(deal_id: str, play: str) -> None:
    assert response(deal_id).result.primary.play_id == play


def test_urgent_deals_are_immediate_and_healthy_ones_carry_no_critical_signal() -> None:
    assert response("D-1011").result.primary.timing == "immediate"
    healthy = response("D-1006").result
    urgency = {"close_date_near"}
    assert not [
        s for s in healthy.signals if s.severity in ("high", "critical") and s.id not in urgency
    ]
    assert healthy.snapshot.momentum in ("accelerating", "steady")


def test_alternatives_say_when_to_choose_them() -> None:
    result = response("D-1004").result
    assert 1 <= len(result.alternatives) <= 2  # as many as the deal's evidence supports
    for alt in result.alternatives:
        assert alt.when_to_choose and alt.play_id != result.primary.play_id


def test_inline_payload_works_without_a_workspace() -> None:
    ctx = context("D-1008").model_copy(update={"process": None, "analytics": None})
    resp = coach(CoachingRequest(deal=ctx, as_of="2026-11-20"))
    assert resp.deal_id == "D-1008"
    assert {"process", "analytics"} <= {m.section for m in resp.missing_inputs}
    assert resp.result.primary.probability.method == "play_prior"
    assert resp.check.passed


def test_as_of_moves_the_analysis() -> None:
    later = coach(CoachingRequest(deal_id="D-1006", as_of="2027-02-01")).result
    assert later.snapshot.days_to_close < 0
    assert "close_date_passed" in {s.id for s in later.signals}


def test_unknown_capability_lists_the_valid_ones() -> None:
    request = CoachingRequest.model_construct(
        capability="forecast", deal_id="D-1001", deal=None, as_of=None, options={}
    )
    with pytest.raises(UnknownCapability, match="forecast.*next_best_action"):
        graph.invoke({"request": request})


def test_graph_is_wired_as_designed() -> None:
    edges = {(e.source, e.target) for e in graph.get_graph().edges}
    assert ("load_context", "read") in edges and ("read", "analyze") in edges
    assert ("analyze", "route") in edges
    assert ("route", "recommend_next_action") in edges
    assert ("compose", "check") in edges and ("check", "respond") in edges
    assert ("respond", "__end__") in edges
