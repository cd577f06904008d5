"""Graders fail exactly when their expectation is broken, and skip when they have none."""

from __future__ import annotations

from agent.contracts import CoachingRequest
from agent.retrieval import citable_documents
from agent.service import coach
from agent.settings import CoachContext
from evals.harness.cases import CASES_DIR, expectations_for, load_case
from evals.harness.graders import (
    CitationGrader,
    ForbiddenGrader,
    GroundingGrader,
    LatencyGrader,
    Observation,
    RequiredGrader,
    TokenGrader,
    offline_graders,
)
from tests.conftest import SAMPLE
from tools.sources import WorkspaceSource

CASE = load_case(CASES_DIR / "next_best_action" / "economic-buyer-not-engaged.yaml")
RESPONSE = coach(CoachingRequest(capability="next_best_action", deal_id="D-1003"))
CONTEXT = WorkspaceSource(SAMPLE).load_context("D-1003")


def observe(latency: float = 20.0, tokens: int = 1000, response=RESPONSE, **expect):  # type: ignore[no-untyped-def]
    case = CASE.model_copy(update={"expect": expectations_for(CASE.capability)(**expect)})
    return Observation(case, response, CONTEXT, citable_documents(CoachContext()), latency, tokens)


def test_the_shipped_case_passes_every_offline_grader() -> None:
    obs = Observation(CASE, RESPONSE, CONTEXT, citable_documents(CoachContext()), 20.0, 1000)
    for grader in offline_graders():
        assert grader.grade(obs).status == "pass", grader.name


def test_required_fails_on_the_wrong_play_and_missing_stakeholder() -> None:
    score = RequiredGrader().grade(
        observe(primary_play_in=["play-multi-thread"], targets_include=["c-nobody"])
    )
    assert score.status == "fail" and score.score == 0.0
    assert "play-engage-economic-buyer" in score.reason and "c-nobody" in score.reason
    assert RequiredGrader().grade(observe()).status == "skip"


def test_forbidden_catches_a_forbidden_recommendation_and_name() -> None:
    primary = RESPONSE.result.primary.play_id
    score = ForbiddenGrader().grade(
        observe(forbid_plays=[primary], forbid_names=["Lydia Kowalczyk"])
    )
    assert score.status == "fail" and "recommends" in score.reason and "mentions" in score.reason


def test_citations_and_grounding_fail_on_broken_output() -> None:
    broken = RESPONSE.model_copy(
        update={
            "citations": [
                *RESPONSE.citations,
                RESPONSE.citations[0].model_copy(update={"ref": "deal.activities[99]"}),
            ],
            "check": RESPONSE.check.model_copy(update={"passed": False}),
        }
    )
    assert CitationGrader().grade(observe(response=broken)).status == "fail"
    assert GroundingGrader().grade(observe(response=broken)).status == "fail"


def test_budgets() -> None:
    assert LatencyGrader().grade(observe(latency=300, max_latency_ms=250)).status == "fail"
    ungated = LatencyGrader(gated=False).grade(observe(latency=300, max_latency_ms=250))
    assert ungated.status == "skip" and "300 ms over 250 ms (latency not gated)" in ungated.reason
    assert LatencyGrader(gated=False).grade(observe(latency=20, max_latency_ms=250)).status == (
        "pass"
    )
    assert TokenGrader().grade(observe(tokens=5000, max_tokens=4000)).status == "fail"
    assert TokenGrader().grade(observe(tokens=10)).status == "skip"
