"""A failing check carries the output it judged: the advice lines a pattern matched or came
closest to, the values a typed check compared; checks are labelled as the case states them."""

from __future__ import annotations

import re

from agent.contracts import CoachingRequest
from agent.retrieval import citable_documents
from agent.service import coach
from agent.settings import CoachContext
from evals.harness.cases import CASES_DIR, expectations_for, load_case
from evals.harness.checks import typed_checks
from evals.harness.graders import (
    EVIDENCE_LINES,
    ForbiddenGrader,
    Observation,
    RequiredGrader,
)
from tests.conftest import SAMPLE
from tools.sources import WorkspaceSource

CASE = load_case(CASES_DIR / "next_best_action" / "economic-buyer-not-engaged.yaml")
RESPONSE = coach(CoachingRequest(capability="next_best_action", deal_id="D-1003"))
CONTEXT = WorkspaceSource(SAMPLE).load_context("D-1003")
LINES = RESPONSE.markdown.split("\n")


def observe(**expect):  # type: ignore[no-untyped-def]
    case = CASE.model_copy(update={"expect": expectations_for(CASE.capability)(**expect)})
    return Observation(case, RESPONSE, CONTEXT, citable_documents(CoachContext()), 20.0, 1000)


def test_a_matched_forbidden_pattern_carries_the_line_it_matched() -> None:
    n, line = next((n, x) for n, x in enumerate(LINES, 1) if "Lydia" in x)
    score = ForbiddenGrader().grade(observe(text_forbid=["Lydia"]))
    assert score.status == "fail" and score.checks == 1 and score.checks_held == 0
    assert score.evidence[0] == "text_forbid: /Lydia/"
    assert score.evidence[1] == "  matched:"
    assert score.evidence[2].startswith(f"  L{n}: ") and line.strip()[:40] in score.evidence[2]


def test_a_missing_required_pattern_carries_the_closest_lines() -> None:
    score = RequiredGrader().grade(observe(text_include=["Lydia Kowalczyk approves the zebra"]))
    assert score.status == "fail" and "never says" in score.reason
    assert score.evidence[1] == "  no match; closest lines:"
    shown = score.evidence[2:]
    assert shown and all(re.match(r"  L\d+: ", x) for x in shown)
    assert all("Lydia" in x or "Kowalczyk" in x or "approves" in x.lower() for x in shown)


def test_a_typed_check_carries_the_values_it_compared() -> None:
    score = RequiredGrader().grade(observe(primary_play_in=["play-multi-thread"]))
    primary = RESPONSE.result.primary.play_id
    assert score.evidence[0] == "primary_play_in: play-multi-thread"
    assert primary in score.evidence[1] and score.evidence[1].startswith("  result: ")


def test_evidence_is_capped() -> None:
    score = RequiredGrader().grade(observe(text_include=[f"zebra {n}" for n in range(20)]))
    assert score.checks == 20 and len(score.evidence) == EVIDENCE_LINES
    assert score.evidence[-1].startswith("… ")


def test_checks_are_labelled_by_item_when_items_are_checked_one_by_one() -> None:
    e = expectations_for("next_best_action")(
        signals_include=["economic_buyer_not_engaged", "no_such_signal"],
        primary_play_in=["play-engage-economic-buyer", "play-multi-thread"],
    )
    labels = [(c.label, c.holds) for c in typed_checks(e, RESPONSE.result, "required")]
    assert labels == [
        ("primary_play_in: play-engage-economic-buyer, play-multi-thread", True),
        ("signals_include: economic_buyer_not_engaged", True),
        ("signals_include: no_such_signal", False),
    ]
