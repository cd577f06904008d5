"""What a report shows, in the order a reader wants it: the figures, the change since the last
run, the failing cases with each grader's reason and the output it judged, the cases whose
checks cannot fail, and the slowest cases.

Built once per run and rendered as markdown, HTML and the CLI summary, so the three agree and
no renderer decides anything.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, Field

from evals.harness.graders import Score
from evals.harness.summary import CaseResult, GroupSummary, RunResults, summaries_by, summarize

SLOWEST = 10


class FailingCase(BaseModel):
    """A case that failed at least one attempt, shown by its first failing attempt."""

    id: str
    capability: str
    file: str
    description: str
    judgment: str | None = None
    failed: int = Field(description="Attempts that failed.")
    attempts: int
    error: str | None = Field(default=None, description="The crash, when the attempt crashed.")
    scores: list[Score] = Field(default_factory=list, description="The failing graders.")
    twin: str | None = Field(default=None, description="The twin's edit, when the twin failed.")
    twin_error: str | None = None
    twin_scores: list[Score] = Field(default_factory=list)


class CannotFailCase(BaseModel):
    """A case whose every check that held also held on its twin."""

    id: str
    capability: str
    file: str
    twin: str = Field(description="What the twin flips.")
    held: list[str] = Field(description="The checks that held on the twin too.")


class PartlyHeldCase(BaseModel):
    """A case with checks that can fail, and some that held on the twin too: those would pass
    whatever the fact, so they are worth a look."""

    id: str
    capability: str
    checks: int = Field(description="The case's checks that held on it.")
    held: list[str] = Field(description="Those that held on the twin too.")


class SlowCase(BaseModel):
    id: str
    capability: str
    latency_ms: float = Field(description="Median over the attempts that ran.")
    latency_max_ms: float
    tokens: int = Field(description="Median tokens.")


class Delta(BaseModel):
    """A group's rates now and their change since the previous run (None: not in it)."""

    name: str
    pass_rate: float
    pass_rate_delta: float | None = None
    pass_k_rate: float
    pass_k_delta: float | None = None
    check_rate: float | None = None
    check_rate_delta: float | None = None


class RunChange(BaseModel):
    previous_run: str | None = None
    newly_passing: list[str] = Field(default_factory=list)
    newly_failing: list[str] = Field(default_factory=list)
    new_cases: list[str] = Field(default_factory=list)
    removed_cases: list[str] = Field(default_factory=list)
    deltas: list[Delta] = Field(default_factory=list, description="Per capability, then overall.")

    def cases(self) -> dict[str, list[str]]:
        """The case lists, as results.json's `diff` holds them."""
        return self.model_dump(
            include={"newly_passing", "newly_failing", "new_cases", "removed_cases"}
        )


class Digest(BaseModel):
    run_id: str
    started: str
    seconds: float
    repeat: int
    judge: str
    cases: int
    overall: GroupSummary
    capabilities: dict[str, GroupSummary]
    judgments: dict[str, GroupSummary]
    change: RunChange
    failing: list[FailingCase]
    cannot_fail: list[CannotFailCase]
    partly_held: list[PartlyHeldCase]
    slowest: list[SlowCase]
    problems: list[str] = Field(description="Where the run falls short of the thresholds.")

    @property
    def verdict(self) -> str:
        return "PASSED" if not self.problems else "FAILED: " + "; ".join(self.problems)


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, 3)


def _deltas(name: str, now: GroupSummary, before: GroupSummary | None) -> Delta:
    return Delta(
        name=name,
        pass_rate=now.pass_rate,
        pass_rate_delta=_delta(now.pass_rate, before.pass_rate if before else None),
        pass_k_rate=now.pass_k_rate,
        pass_k_delta=_delta(now.pass_k_rate, before.pass_k_rate if before else None),
        check_rate=now.check_rate,
        check_rate_delta=_delta(now.check_rate, before.check_rate if before else None),
    )


def compare(current: RunResults, previous: RunResults | None) -> RunChange:
    """What changed since the previous run: cases that flipped, and the rates per capability
    and overall (the previous run's figures recomputed from its cases, so an older
    results.json compares too)."""
    if previous is None:
        return RunChange()
    before = {c.id: c.pass_k for c in previous.cases}
    now = {c.id: c.pass_k for c in current.cases}
    then = summaries_by(previous.cases, lambda c: c.capability)
    deltas = [_deltas(name, s, then.get(name)) for name, s in current.summary.items()]
    if previous.cases and current.cases:
        deltas.append(_deltas("overall", summarize(current.cases), summarize(previous.cases)))
    return RunChange(
        previous_run=previous.run_id,
        newly_passing=sorted(i for i in now if now[i] and before.get(i) is False),
        newly_failing=sorted(i for i in now if not now[i] and before.get(i) is True),
        new_cases=sorted(set(now) - set(before)),
        removed_cases=sorted(set(before) - set(now)),
        deltas=deltas,
    )


def _failing(case: CaseResult) -> FailingCase | None:
    bad = [a for a in case.attempts if not a.passed]
    if not bad:
        return None
    first = bad[0]
    twin = first.twin if first.twin is not None and not first.twin.passed else None
    return FailingCase(
        id=case.id,
        capability=case.capability,
        file=case.file,
        description=case.description,
        judgment=case.judgment,
        failed=len(bad),
        attempts=len(case.attempts),
        error=first.error,
        scores=[s for s in first.scores if s.status == "fail"],
        twin=twin.description if twin else None,
        twin_error=twin.error if twin else None,
        twin_scores=[s for s in twin.scores if s.status == "fail"] if twin else [],
    )


def _slow(case: CaseResult) -> SlowCase | None:
    ran = [a for a in case.attempts if a.error is None]
    if not ran:
        return None
    return SlowCase(
        id=case.id,
        capability=case.capability,
        latency_ms=round(statistics.median(a.latency_ms for a in ran), 2),
        latency_max_ms=max(a.latency_ms for a in ran),
        tokens=int(statistics.median(a.tokens for a in ran)),
    )


def _twin_description(case: CaseResult) -> str:
    return next((t.description for t in case.twins if t.description), "")


def digest(results: RunResults, previous: RunResults | None, problems: list[str]) -> Digest:
    cases = results.cases
    held = [
        PartlyHeldCase(
            id=c.id,
            capability=c.capability,
            checks=max(t.checks for t in c.twins),
            held=c.held_on_twin,
        )
        for c in cases
        if c.twins and not c.cannot_fail and c.held_on_twin
    ]
    slow = sorted((s for c in cases if (s := _slow(c))), key=lambda s: -s.latency_ms)
    return Digest(
        run_id=results.run_id,
        started=results.started,
        seconds=results.seconds,
        repeat=results.repeat,
        judge=results.judge,
        cases=len(cases),
        overall=results.overall or summarize(cases),
        capabilities=results.summary,
        judgments=results.judgments,
        change=compare(results, previous),
        failing=[f for c in cases if (f := _failing(c))],
        cannot_fail=[
            CannotFailCase(
                id=c.id,
                capability=c.capability,
                file=c.file,
                twin=_twin_description(c),
                held=c.held_on_twin,
            )
            for c in cases
            if c.cannot_fail
        ],
        partly_held=held,
        slowest=slow[:SLOWEST],
        problems=problems,
    )
