"""Grounding that can fail: the checker's vocabulary is the input, the computed analysis, the
knowledge cited and a short explicit list of the agent's own words, never its source code."""

from __future__ import annotations

import re

from agent.contracts import CoachingRequest
from agent.grounding.checker import checker_for_draft
from agent.grounding.vocabulary import AGENT_WORDS
from agent.retrieval import citable_documents
from agent.service import coach
from agent.settings import CoachContext
from tests.conftest import SAMPLE
from tools.sources import WorkspaceSource

SETTINGS = CoachContext(outbox=None, memory=None)
RESPONSE = coach(CoachingRequest(capability="deal_strategy", deal_id="D-1003"), SETTINGS)
DEAL = WorkspaceSource(SAMPLE).load_context("D-1003")


def _checker():  # type: ignore[no-untyped-def]
    from agent.analysis import analyze_deal

    analysis = analyze_deal(DEAL, RESPONSE.as_of)
    return checker_for_draft(
        DEAL, analysis, RESPONSE.missing_inputs, RESPONSE.result, citable_documents(SETTINGS)
    )


def test_the_agents_words_are_few_and_hold_no_number_or_name() -> None:
    assert len(AGENT_WORDS) < 80
    assert all(re.fullmatch(r"[A-Z][A-Za-z']*", w) for w in AGENT_WORDS), AGENT_WORDS
    people = {
        part
        for deal_id in WorkspaceSource(SAMPLE).deal_ids()
        for c in WorkspaceSource(SAMPLE).get_deal(deal_id).contacts
        for part in c.name.split()
    }
    assert not AGENT_WORDS & people


def test_the_composed_answer_passes() -> None:
    report, _ = _checker().check(RESPONSE.result, RESPONSE.markdown)
    assert report.passed, report.findings


def test_a_planted_claim_in_composed_text_is_flagged() -> None:
    checker = _checker()
    checker.check(RESPONSE.result, RESPONSE.markdown)
    assert 87 not in checker.percents and 91 not in checker.numbers  # nothing supplies them
    planted = RESPONSE.markdown + (
        "\nLast year Zentrova Logistics went live 87% faster in 91 days with Brightwell Flow.\n"
    )
    report, _ = checker.check(RESPONSE.result, planted)
    details = " ".join(f.detail for f in report.findings)
    assert not report.passed
    assert "'Zentrova'" in details and "number 87%" in details and "number 91" in details


def test_a_number_of_the_deal_does_not_ground_a_percentage() -> None:
    """A deal with a 25-day stage does not support "25% faster"."""
    checker = _checker()
    checker.check(RESPONSE.result, RESPONSE.markdown)
    plain = sorted(n for n in range(10, 100) if n in checker.numbers and n not in checker.percents)
    assert plain, "the deal has plain numbers that are no ratio"
    report, _ = checker.check(RESPONSE.result, RESPONSE.markdown + f"\n{plain[0]}% faster.\n")
    assert any(f"number {plain[0]}%" in f.detail for f in report.findings)


def test_words_only_the_source_code_uses_are_not_evidence() -> None:
    """Class and function names of the agent's own code (which the checker once read) are
    flagged like any other unsupported name."""
    planted = RESPONSE.markdown + "\nAsk about the GroundingChecker and the StateGraph Runtime.\n"
    report, _ = _checker().check(RESPONSE.result, planted)
    flagged = {f.detail.split("'")[1] for f in report.findings if f.kind == "entity"}
    assert {"GroundingChecker", "StateGraph", "Runtime"} <= flagged
