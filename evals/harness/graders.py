"""Graders: each a small class returning one named score with its reason. A grader that has
nothing to check for a case says so (skipped), which never counts as a pass or a failure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel, Field, ValidationError

from agent.contracts.context import DealContext
from agent.contracts.rep import RepContext
from agent.contracts.response import CoachingResponse
from agent.grounding.citations import resolve_knowledge, resolves
from evals.harness import checks
from evals.harness.cases import EvalCase
from evals.harness.checks import CaseCheck
from knowledge.documents import KB_PREFIX, Document

Status = Literal["pass", "fail", "skip"]
# A failure shows the output it judged, but a report stays readable: a few lines per score.
EVIDENCE_LINES = 12


class Score(BaseModel):
    name: str
    status: Status
    score: float
    reason: str
    evidence: list[str] = Field(
        default_factory=list,
        description="For a failure, the lines of output it judged: the advice lines a pattern "
        "matched (or came closest to), the field values a typed check compared.",
    )
    checks: int = Field(default=0, description="Expectation checks this score counted.")
    checks_held: int = Field(default=0, description="Those of them that held.")


class TwinReport(BaseModel):
    """The case's counterfactual twin: its own expectations, and which of the case's checks
    still held on it (a case whose every check holds on its twin cannot fail)."""

    passed: bool
    description: str = Field(default="", description="The one fact the twin flips.")
    scores: list[Score] = Field(default_factory=list)
    checks: int = Field(default=0, description="The case's own checks that held on the case.")
    holds_on_twin: list[str] = Field(
        default_factory=list,
        description="Those of them that also hold on the twin, labelled as the case file "
        "states them (key: item).",
    )
    error: str | None = None

    @property
    def can_fail(self) -> bool:
        """Whether the twin shows the case's checks depend on the flipped fact. A case none of
        whose checks held has nothing to show on its twin: its checks failed, so they can."""
        return self.error is not None or self.checks == 0 or len(self.holds_on_twin) < self.checks


class Attempt(BaseModel):
    passed: bool
    latency_ms: float = 0.0
    tokens: int = 0
    scores: list[Score] = Field(default_factory=list)
    error: str | None = None
    twin: TwinReport | None = None


@dataclass(frozen=True)
class Observation:
    """One run of one case: what came back and what it cost."""

    case: EvalCase
    response: CoachingResponse
    context: DealContext | RepContext
    knowledge: dict[str, Document]
    latency_ms: float
    tokens: int


def passed(name: str, reason: str) -> Score:
    return Score(name=name, status="pass", score=1.0, reason=reason)


def failed(name: str, reasons: list[str], total: int) -> Score:
    return Score(
        name=name,
        status="fail",
        score=round(1 - len(reasons) / max(total, 1), 3),
        reason="; ".join(reasons),
    )


def skipped(name: str, reason: str) -> Score:
    return Score(name=name, status="skip", score=0.0, reason=reason)


class Grader(Protocol):
    name: str

    def grade(self, obs: Observation) -> Score: ...


class SchemaGrader:
    name = "schema"

    def grade(self, obs: Observation) -> Score:
        try:
            CoachingResponse.model_validate_json(obs.response.model_dump_json())
        except ValidationError as exc:
            return failed(self.name, [str(exc.errors()[0])], 1)
        if obs.response.capability != obs.case.capability:
            return failed(self.name, [f"capability {obs.response.capability}"], 1)
        return passed(self.name, "the response validates against CoachingResponse")


def required_checks(obs: Observation) -> list[CaseCheck]:
    """The case's required content: the capability's own keys (its expectations class), what
    must be reported missing, and the patterns the advice must contain."""
    return checks.required_checks(obs.case.expect, obs.response)


def forbidden_checks(obs: Observation) -> list[CaseCheck]:
    return checks.forbidden_checks(obs.case.expect, obs.response)


def case_checks(obs: Observation) -> list[CaseCheck]:
    """The case's own checks (required, then forbidden), in a stable order: the twin is
    judged on the same list."""
    return required_checks(obs) + forbidden_checks(obs)


def verdict(name: str, judged: list[CaseCheck], nothing: str, held: str) -> Score:
    """One score over a list of checks: its counts (the points a rubric would give), the
    reasons of the failing ones and the output they judged, capped."""
    if not judged:
        return skipped(name, nothing)
    failing = [c for c in judged if not c.holds]
    counts = {"checks": len(judged), "checks_held": len(judged) - len(failing)}
    if not failing:
        return passed(name, held.format(len(judged))).model_copy(update=counts)
    evidence = [line for c in failing for line in (c.label, *(f"  {e}" for e in c.evidence))]
    if len(evidence) > EVIDENCE_LINES:
        evidence = [*evidence[: EVIDENCE_LINES - 1], f"… {len(evidence) - EVIDENCE_LINES + 1} more"]
    score = failed(name, [c.why for c in failing], len(judged))
    return score.model_copy(update={**counts, "evidence": evidence})


class RequiredGrader:
    name = "required"

    def grade(self, obs: Observation) -> Score:
        return verdict(
            self.name,
            required_checks(obs),
            "no required content in this case",
            "all {} required checks hold",
        )


class ForbiddenGrader:
    name = "forbidden"

    def grade(self, obs: Observation) -> Score:
        return verdict(
            self.name,
            forbidden_checks(obs),
            "no forbidden content in this case",
            "none of {} forbidden items present",
        )


class CitationGrader:
    name = "citations"

    def grade(self, obs: Observation) -> Score:
        cites = obs.response.citations
        if not cites:
            return failed(self.name, ["no citations"], 1)
        broken = [
            c.ref
            for c in cites
            if not (
                resolve_knowledge(obs.knowledge, c.ref)
                if c.ref.startswith(KB_PREFIX)
                else resolves(obs.context, c.ref)
            )
        ]
        if broken:
            return failed(self.name, [f"unresolved {b}" for b in broken], len(cites))
        return passed(self.name, f"all {len(cites)} citations resolve")


class GroundingGrader:
    name = "grounding"

    def grade(self, obs: Observation) -> Score:
        check = obs.response.check
        if not check.passed:
            return failed(
                self.name,
                [f.detail for f in check.findings[:5]],
                max(check.checked_entities + check.checked_numbers, 1),
            )
        return passed(
            self.name,
            f"{check.checked_entities} names and {check.checked_numbers} "
            "numbers all found in the input or cited knowledge",
        )


class LatencyGrader:
    """A case's time against its budget. Ungated (`coach eval --no-latency-gate`, as `make
    test` runs it), a case over budget is reported and skipped, not failed: on a shared CI
    runner the time measures the machine's load as much as the code, and speed targets are the
    benchmarks' (evals/bench_*.py) to hold."""

    name = "latency"

    def __init__(self, gated: bool = True) -> None:
        self.gated = gated

    def grade(self, obs: Observation) -> Score:
        budget = obs.case.expect.max_latency_ms
        if budget is None:
            return skipped(self.name, "no latency budget")
        if obs.latency_ms > budget:
            over = f"{obs.latency_ms:.0f} ms over {budget:.0f} ms"
            return failed(self.name, [over], 1) if self.gated else ungated(self.name, over)
        return passed(self.name, f"{obs.latency_ms:.0f} ms within {budget:.0f} ms")


def ungated(name: str, over: str) -> Score:
    """A budget missed with the latency gate off: shown in the report, counted as no check."""
    return skipped(name, f"{over} (latency not gated)")


class TokenGrader:
    name = "tokens"

    def grade(self, obs: Observation) -> Score:
        budget = obs.case.expect.max_tokens
        if budget is None:
            return skipped(self.name, "no token budget")
        if obs.tokens > budget:
            return failed(self.name, [f"{obs.tokens} tokens over {budget}"], 1)
        return passed(self.name, f"{obs.tokens} tokens within {budget}")


def offline_graders(gate_latency: bool = True) -> list[Grader]:
    return [
        SchemaGrader(),
        RequiredGrader(),
        ForbiddenGrader(),
        CitationGrader(),
        GroundingGrader(),
        LatencyGrader(gate_latency),
        TokenGrader(),
    ]
