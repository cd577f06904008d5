"""What a run adds up to: per capability, per judgment class and overall, how many cases pass
(once and on every attempt), how many expectation checks hold, how the twins fared and which
cases have checks that cannot fail.

The figures live here, typed, so that results.json, the markdown, the HTML page and the CLI all
print the same numbers and no renderer computes any.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

from pydantic import BaseModel, Field

from evals.harness.graders import Attempt, TwinReport

# The graders whose checks are the case's expectations: the points an expert rubric gives.
EXPECTATION_GRADERS = ("required", "forbidden")


class CaseResult(BaseModel):
    id: str
    capability: str
    file: str
    description: str
    judgment: str | None = None
    attempts: list[Attempt]

    @property
    def pass_k(self) -> bool:
        """pass^k: the case passed on every one of its k attempts."""
        return all(a.passed for a in self.attempts)

    @property
    def twins(self) -> list[TwinReport]:
        return [a.twin for a in self.attempts if a.twin is not None]

    @property
    def cannot_fail(self) -> bool:
        """On every attempt the twin ran and every check that held on the case held on the
        twin too: the checks pass whether or not the agent read the fact the twin flips."""
        twins = self.twins
        return (
            bool(twins) and len(twins) == len(self.attempts) and not any(t.can_fail for t in twins)
        )

    @property
    def held_on_twin(self) -> list[str]:
        """The case's checks (as labelled in its file) that held on a twin, in order."""
        seen: dict[str, None] = {}
        for twin in self.twins:
            seen.update(dict.fromkeys(twin.holds_on_twin))
        return list(seen)


class GroupSummary(BaseModel):
    """The figures for a group of cases: a capability, a judgment class, or the whole run."""

    cases: int
    attempts: int
    pass_rate: float = Field(description="Share of attempts that passed.")
    pass_k_rate: float = Field(description="Share of cases that passed every attempt.")
    checks: int = Field(
        default=0,
        description="Expectation checks judged over all attempts: the case's own and its "
        "twin's (an attempt that crashed judged none).",
    )
    checks_held: int = 0
    check_rate: float | None = Field(
        default=None,
        description="Share of those checks that held: progress shows even while a case still "
        "fails one check. None when nothing was checked.",
    )
    twins: int = Field(default=0, description="Twin runs (attempts of cases with a twin).")
    twin_pass_rate: float | None = Field(
        default=None, description="Share of twin runs whose own expectations held."
    )
    cannot_fail: list[str] = Field(
        default_factory=list, description="Ids of the cases whose checks cannot fail."
    )
    latency_p50_ms: float
    latency_p95_ms: float
    tokens_mean: float
    graders: dict[str, float] = Field(description="Pass rate per grader, skips excluded.")


# The name the gate and older code use for a capability's figures.
CapabilitySummary = GroupSummary


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _points(attempt: Attempt) -> tuple[int, int]:
    """The expectation checks an attempt judged, and those that held, twin included."""
    scores = [*attempt.scores, *(attempt.twin.scores if attempt.twin else [])]
    mine = [s for s in scores if s.name in EXPECTATION_GRADERS]
    return sum(s.checks for s in mine), sum(s.checks_held for s in mine)


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of an ascending list (the gate's p95)."""
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summarize(cases: list[CaseResult]) -> GroupSummary:
    attempts = [a for r in cases for a in r.attempts]
    latencies = sorted(a.latency_ms for a in attempts if a.error is None) or [0.0]
    graders: dict[str, list[bool]] = {}
    for a in attempts:
        for s in a.scores:
            if s.status != "skip":
                graders.setdefault(s.name, []).append(s.status == "pass")
    points = [_points(a) for a in attempts]
    checks, held = sum(p[0] for p in points), sum(p[1] for p in points)
    twins = [t for r in cases for t in r.twins]
    return GroupSummary(
        cases=len(cases),
        attempts=len(attempts),
        pass_rate=_share(sum(a.passed for a in attempts), len(attempts)) or 0.0,
        pass_k_rate=_share(sum(r.pass_k for r in cases), len(cases)) or 0.0,
        checks=checks,
        checks_held=held,
        check_rate=_share(held, checks),
        twins=len(twins),
        twin_pass_rate=_share(sum(t.passed for t in twins), len(twins)),
        cannot_fail=[r.id for r in cases if r.cannot_fail],
        latency_p50_ms=round(statistics.median(latencies), 2),
        latency_p95_ms=round(percentile(latencies, 0.95), 2),
        tokens_mean=round(statistics.mean(a.tokens for a in attempts), 1) if attempts else 0.0,
        graders={k: round(sum(v) / len(v), 3) for k, v in sorted(graders.items())},
    )


def summaries_by(
    cases: list[CaseResult], key: Callable[[CaseResult], str | None]
) -> dict[str, GroupSummary]:
    """One summary per value of `key`, in name order; cases without a value are left out."""
    names = sorted({k for c in cases if (k := key(c)) is not None})
    return {name: summarize([c for c in cases if key(c) == name]) for name in names}


class RunResults(BaseModel):
    run_id: str
    started: str
    seconds: float
    repeat: int
    judge: str
    cases: list[CaseResult]
    summary: dict[str, GroupSummary] = Field(description="Per capability: what the gate reads.")
    overall: GroupSummary | None = Field(default=None, description="The whole run.")
    judgments: dict[str, GroupSummary] = Field(
        default_factory=dict, description="Per judgment class, for expert scenarios."
    )


def run_results(
    *, run_id: str, started: str, seconds: float, repeat: int, judge: str, cases: list[CaseResult]
) -> RunResults:
    """A run with its figures computed."""
    return RunResults(
        run_id=run_id,
        started=started,
        seconds=seconds,
        repeat=repeat,
        judge=judge,
        cases=cases,
        summary=summaries_by(cases, lambda c: c.capability),
        overall=summarize(cases),
        judgments=summaries_by(cases, lambda c: c.judgment),
    )
