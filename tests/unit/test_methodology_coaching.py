"""Methodology coaching on the sample deals: scoring, name resolution, grounding, rendering."""

from __future__ import annotations

import re
from functools import cache

import pytest

from agent.capabilities.methodology_coaching.build import coach_methodology
from agent.capabilities.methodology_coaching.contract import MethodologyCoachingResult
from agent.errors import InvalidInput
from agent.grounding.citations import collect_refs, resolve_knowledge, resolves
from agent.retrieval import citable_documents
from agent.settings import CoachContext
from knowledge.documents import Document
from tests.drafts import assert_grounded, offline_markdown
from tests.factories import sample_deal

METHODOLOGIES = (
    "MEDDICC",
    "meddpicc",
    "BANT",
    "SPIN",
    "challenger sale",
    "Sandler",
    "SPICED",
    "Solution Selling",
    "command of the message",
    "gap selling",
)


@cache
def knowledge() -> dict[str, Document]:
    return citable_documents(CoachContext())


deal = sample_deal


def coach(deal_id: str, methodology: str | None = None) -> MethodologyCoachingResult:
    ctx, analysis = deal(deal_id)
    return coach_methodology(ctx, analysis, knowledge(), methodology)


def status(result: MethodologyCoachingResult, element: str) -> str:
    return next(s.status for s in result.scorecard if s.element == element)


def guide_questions(doc_id: str, element: str) -> list[str]:
    """The element's block of the guide, read independently of the builder's parser."""
    section = knowledge()[doc_id].section("questions-by-element")
    assert section is not None
    blocks = re.split(r"^### ", section.text, flags=re.MULTILINE)
    block = next(b for b in blocks if b.strip() and b.splitlines()[0].strip() == element)
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def test_meddicc_is_the_default_and_economic_buyer_follows_the_evidence() -> None:
    weak, strong = coach("D-1005"), coach("D-1006")
    assert weak.methodology == "MEDDICC" and weak.guide_id == "meth-meddicc"
    assert status(weak, "Economic Buyer") == "gap"
    assert status(strong, "Economic Buyer") in ("supported", "partial")
    assert status(weak, "Paper Process") == "gap" and status(strong, "Paper Process") == "supported"
    # Element names are the guide's questions-by-element headings, in the guide's order.
    headings = re.findall(r"^### (.+)$", knowledge()["meth-meddicc"].sections[2].text, re.M)
    assert [s.element for s in weak.scorecard] == headings
    # Where the evidence is known, the analysis's MEDDICC gaps and this scorecard agree. Metrics
    # differs on purpose: the analysis counts absent value data as missing, the scorecard counts
    # it as unknown and takes the qualification agent's word for it (partial).
    _, analysis = deal("D-1005")
    for gap in analysis.methodology_gaps:
        expected = "gap" if gap.status == "missing" else "partial"
        assert status(weak, gap.element) == ("partial" if gap.element == "Metrics" else expected)


def test_bant_by_name_and_aliases_resolve() -> None:
    bant = coach("D-1006", "bant")
    assert bant.methodology == "BANT" and bant.guide_id == "meth-bant"
    assert [s.element for s in bant.scorecard] == ["Budget", "Authority", "Need", "Timeline"]
    timeline = next(s for s in bant.scorecard if s.element == "Timeline")
    assert timeline.status == "supported" and "discovery.compelling_event" in timeline.citations
    assert status(coach("D-1005", "BANT"), "Authority") == "gap"
    assert coach("D-1005", "meddpicc").methodology == "MEDDPICC"
    assert coach("D-1005", "Challenger Sale").guide_id == "meth-challenger"
    assert coach("D-1005", "command of the message").guide_id == "meth-command-of-the-message"
    assert coach("D-1005", "Gap Selling").guide_id == "meth-gap-selling"


def test_unknown_methodology_is_one_clear_message_listing_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as err:
        coach("D-1005", "Miller Heiman")
    message = str(err.value)
    assert err.value.where == "request.methodology" and "Miller Heiman" in message
    for known in ("BANT", "MEDDICC", "SPIN", "Challenger", "Gap Selling", "SPICED", "Sandler"):
        assert known in message


def test_elements_crm_cannot_judge_are_not_applicable_with_a_reason() -> None:
    teach = next(s for s in coach("D-1006", "Challenger").scorecard if s.element == "Teach")
    assert teach.status == "not_applicable" and "CRM" in teach.evidence
    assert not teach.citations


def test_questions_for_a_gap_come_from_that_elements_section() -> None:
    result = coach("D-1005")
    gap = next(g for g in result.questions_per_gap if g.element == "Economic Buyer")
    assert gap.questions == guide_questions("meth-meddicc", "Economic Buyer")
    assert "kb:meth-meddicc#questions-by-element" in gap.citations
    assert "Megan Ashford" in gap.ask  # the champion opens the door to the economic buyer
    assert {g.element for g in result.questions_per_gap} == {
        s.element for s in result.scorecard if s.status in ("gap", "partial")
    }
    # The next call starts from the guide's advice for the deal's stage.
    assert result.next_conversation[0].text.startswith("At Proposal, MEDDICC says:")


def test_rep_feedback_cites_activities_and_notes() -> None:
    result = coach("D-1005")
    cited = [c for p in result.rep_feedback for c in p.citations]
    assert any(c.startswith("deal.activities[") for c in cited)
    economic_buyer = next(p for p in result.rep_feedback if p.text.startswith("Economic Buyer"))
    assert "raised but still open" in economic_buyer.text
    assert "deal.notes[1]" in economic_buyer.citations  # "not sure who signs"
    assert any(p.text.startswith("A proposal went out") for p in result.rep_feedback)


def test_why_it_matters_quotes_history_for_the_gaps() -> None:
    result = coach("D-1005")
    rates = [p for p in result.why_it_matters if "win_rates_by_action" in p.citations[0]]
    assert any("`s-eb` won 44%, against 17% without" in p.text for p in rates)
    assert any(p.citations[0].startswith("kb:play-") for p in result.why_it_matters)


def test_buying_process_is_used_when_known_and_named_as_a_gap_otherwise() -> None:
    known = coach("D-1006").buying_process_fit
    assert known[0].text.startswith("Their buying process:")
    assert "discovery.buying_process" in known[0].citations
    assert coach("D-1005").buying_process_fit[0].text.startswith("No buying process")


@pytest.mark.parametrize("deal_id", ["D-1005", "D-1006"])
@pytest.mark.parametrize("methodology", METHODOLOGIES)
def test_every_ref_resolves_and_the_rendered_coaching_is_grounded(
    deal_id: str, methodology: str
) -> None:
    ctx, analysis = deal(deal_id)
    result = coach(deal_id, methodology)
    refs = list(collect_refs(result))
    for ref in refs:
        if ref.startswith("kb:"):
            assert resolve_knowledge(knowledge(), ref) is not None, ref
        else:
            assert resolves(ctx, ref), ref
    markdown = offline_markdown("methodology_coaching", result, ctx, analysis, knowledge())
    assert_grounded(result, markdown, ctx, analysis, knowledge())
    assert "## Scorecard" in markdown and "## Sources" in markdown


def test_warm_coaching_is_the_cold_one() -> None:
    """What a warm request reuses must not change the answer (its speed is measured by
    `python -m evals.bench_cost --part warm`, not here)."""
    cold = coach("D-1006").model_dump()
    assert coach("D-1006").model_dump() == cold


def test_an_element_the_qualification_agent_settles_does_not_read_as_not_known() -> None:
    """D-1002's record leaves Metrics open (a baseline, no target) and the qualification agent
    scores it confirmed: the scorecard says the agent's score first and the record's gap as
    such, never "supported" beside "not known:"."""
    ctx, analysis = deal("D-1002")
    scored = coach("D-1002").scorecard
    metrics = next(s for s in scored if s.element == "Metrics")
    assert metrics.status == "supported"
    assert metrics.evidence.startswith("the qualification agent scores it confirmed (")
    assert "the record alone leaves it open: " in metrics.evidence
    # the twin: without the agent's section the record decides, and says it does not know
    alone = ctx.model_copy(update={"qualification": None})
    result = coach_methodology(alone, analysis, knowledge(), None)
    metrics = next(s for s in result.scorecard if s.element == "Metrics")
    assert metrics.status == "unknown" and metrics.evidence.startswith("not known: ")
