"""The judge with a scripted model: rubric verdicts, position swapping, calibration."""

from __future__ import annotations

from evals.harness.judge import (
    Judge,
    PairwiseVerdict,
    RubricGrader,
    RubricVerdict,
    calibrate,
    load_calibration,
)
from tests.evals.fakes import ScriptedModel
from tests.evals.test_graders import observe


def test_rubric_grader_uses_the_verdict_and_fences_the_output() -> None:
    model = ScriptedModel().script(
        RubricVerdict(score=4, passed=True, reasoning="routes via"),
        RubricVerdict(score=2, passed=False, reasoning="vague"),
    )
    grader = RubricGrader(Judge(model))
    assert grader.grade(observe(rubric="Engage the CFO")).status == "pass"
    assert grader.grade(observe(rubric="Engage the CFO")).status == "fail"
    prompt = model.prompts[0]
    assert "<response>" in prompt and "Lydia Kowalczyk" in prompt and "Engage the CFO" in prompt


def test_without_a_model_rubrics_are_skipped_and_say_why() -> None:
    score = RubricGrader(None).grade(observe(rubric="Engage the CFO"))
    assert score.status == "skip" and "no model configured" in score.reason


def test_pairwise_winner_must_win_in_both_positions() -> None:
    a_then_b = PairwiseVerdict(winner="A", reasoning="x")
    b_then_a = PairwiseVerdict(winner="B", reasoning="x")
    consistent = Judge(ScriptedModel().script(a_then_b, b_then_a))
    assert consistent.compare("r", "q", "first", "second") == "first"
    biased = Judge(ScriptedModel().script(a_then_b, a_then_b))  # always picks position A
    assert biased.compare("r", "q", "first", "second") == "tie"


def test_calibration_measures_agreement_with_labels() -> None:
    items = load_calibration()
    labels = [i.label for i in items]
    assert {"pass", "fail"} <= set(labels) and len(items) >= 6
    honest = [
        RubricVerdict(score=5 if lab == "pass" else 1, passed=lab == "pass", reasoning="ok")
        for lab in labels
    ]
    assert calibrate(Judge(ScriptedModel().script(*honest)), items)["agreement"] == 1.0
    yes_man = [RubricVerdict(score=5, passed=True, reasoning="fine") for _ in labels]
    report = calibrate(Judge(ScriptedModel().script(*yes_man)), items)
    assert report["agreement"] == round(labels.count("pass") / len(labels), 3)
    assert {d["id"] for d in report["disagreements"]} == {i.id for i in items if i.label == "fail"}
