"""The model judge: rubric grading, pairwise comparison with position swapping, and a check
of the judge itself against authored good and bad outputs before anyone trusts it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.contracts.rep import RepContext
from agent.model.prompts import load_prompt
from agent.resources import evals_dir
from evals.harness.graders import Observation, Score, failed, passed, skipped

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

CALIBRATION_DIR = evals_dir() / "judge_calibration"


class RubricVerdict(BaseModel):
    score: int = Field(ge=1, le=5, description="1 useless or harmful ... 5 excellent")
    passed: bool = Field(description="True only if the rubric is met in full")
    reasoning: str


class PairwiseVerdict(BaseModel):
    winner: Literal["A", "B", "tie"]
    reasoning: str


class Judge:
    def __init__(self, model: BaseChatModel, name: str = "model") -> None:
        self.name = name
        self._rubric = load_prompt("judge_rubric") | model.with_structured_output(
            RubricVerdict, method="function_calling"
        )
        self._pairwise = load_prompt("judge_pairwise") | model.with_structured_output(
            PairwiseVerdict, method="function_calling"
        )

    def grade(self, rubric: str, request: str, output: str) -> RubricVerdict:
        verdict = self._rubric.invoke({"rubric": rubric, "request": request, "output": output})
        assert isinstance(verdict, RubricVerdict)
        return verdict

    def compare(
        self, rubric: str, request: str, first: str, second: str
    ) -> Literal["first", "second", "tie"]:
        """Asks twice with the order swapped; a winner must win in both positions."""
        one = self._pairwise.invoke(
            {"rubric": rubric, "request": request, "output_a": first, "output_b": second}
        )
        two = self._pairwise.invoke(
            {"rubric": rubric, "request": request, "output_a": second, "output_b": first}
        )
        assert isinstance(one, PairwiseVerdict) and isinstance(two, PairwiseVerdict)
        if one.winner == "A" and two.winner == "B":
            return "first"
        if one.winner == "B" and two.winner == "A":
            return "second"
        return "tie"


def describe_request(obs: Observation) -> str:
    req = obs.case.request
    if isinstance(obs.context, RepContext):
        rep = obs.context.rep
        return (
            f"capability: {obs.case.capability}; rep {rep.id} '{rep.name}' with deals "
            + ", ".join(f"{d.deal.id} ({d.deal.stage})" for d in obs.context.deals)
        )
    deal = obs.context.deal
    return (
        f"capability: {obs.case.capability}; deal {deal.id} '{deal.name}' at "
        f"{deal.account.name}, stage {deal.stage}; contacts: "
        + ", ".join(f"{c.name} ({c.title}, {c.dmu_role})" for c in deal.contacts)
        + (f"; message: {req.message}" if req.message else "")
    )


class RubricGrader:
    name = "rubric"

    def __init__(self, judge: Judge | None) -> None:
        self.judge = judge

    def grade(self, obs: Observation) -> Score:
        rubric = obs.case.expect.rubric
        if not rubric:
            return skipped(self.name, "no rubric in this case")
        if self.judge is None:
            return skipped(self.name, "no model configured (pass --model or set COACH_MODEL)")
        verdict = self.judge.grade(rubric, describe_request(obs), obs.response.markdown)
        if verdict.passed:
            return passed(self.name, f"{verdict.score}/5: {verdict.reasoning}")
        return failed(self.name, [f"{verdict.score}/5: {verdict.reasoning}"], 1)


class CalibrationItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    rubric: str
    request: str
    output: str
    label: Literal["pass", "fail"]


def load_calibration(folder: Path = CALIBRATION_DIR) -> list[CalibrationItem]:
    items: list[CalibrationItem] = []
    for path in sorted(folder.glob("*.yaml")):
        items += [CalibrationItem.model_validate(x) for x in yaml.safe_load(path.read_text())]
    return items


def calibrate(judge: Judge, items: list[CalibrationItem]) -> dict[str, Any]:
    """How often the judge agrees with the human labels; disagreements listed for review."""
    disagreements = []
    for item in items:
        verdict = judge.grade(item.rubric, item.request, item.output)
        said = "pass" if verdict.passed else "fail"
        if said != item.label:
            disagreements.append(
                {"id": item.id, "label": item.label, "judge": said, "reasoning": verdict.reasoning}
            )
    agreement = 1 - len(disagreements) / max(len(items), 1)
    return {"items": len(items), "agreement": round(agreement, 3), "disagreements": disagreements}
