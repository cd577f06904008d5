"""The run's figures: twins run and passed, cases whose checks cannot fail, the share of checks
that hold, per capability, per judgment class and overall, and the change since a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.harness.digest import compare, digest
from evals.harness.graders import Attempt, Score, TwinReport, offline_graders
from evals.harness.report import load_results, write_reports
from evals.harness.runner import RunSettings, load_cases, run
from evals.harness.summary import CaseResult, RunResults, run_results


def score(name: str, checks: int, held: int) -> Score:
    status = "pass" if held == checks else "fail"
    return Score(
        name=name, status=status, score=held / checks, reason="r", checks=checks, checks_held=held
    )


def twin(checks: int, holds: list[str], passed: bool = True) -> TwinReport:
    return TwinReport(
        passed=passed,
        description="the fact flipped",
        scores=[score("required", 2, 2 if passed else 1)],
        checks=checks,
        holds_on_twin=holds,
    )


def attempt(held: int = 3, twin_report: TwinReport | None = None, ms: float = 10.0) -> Attempt:
    """An attempt judged on 3 required checks, `held` of them holding."""
    passed = held == 3 and (twin_report is None or twin_report.passed)
    scores = [score("required", 3, held), Score(name="schema", status="pass", score=1, reason="")]
    return Attempt(passed=passed, latency_ms=ms, tokens=100, scores=scores, twin=twin_report)


def case(
    id: str, *attempts: Attempt, capability: str = "next_best_action", judgment: str | None = None
) -> CaseResult:
    return CaseResult(
        id=id,
        capability=capability,
        file=f"{id}.yaml",
        description="d",
        judgment=judgment,
        attempts=list(attempts),
    )


def tiny_run() -> RunResults:
    cases = [
        # every check that held on the case held on its twin: cannot fail
        case("blind", attempt(twin_report=twin(3, ["a", "b", "c"])), judgment="free_text"),
        # its twin turned a check false: the checks can fail
        case("sharp", attempt(twin_report=twin(3, ["a"])), judgment="free_text"),
        # nothing held on the case, so nothing to test on the twin: not listed
        case("all-wrong", attempt(held=0, twin_report=twin(0, [])), judgment="commercial"),
        # the twin fails its own expectations; its one held check held on the twin
        case("twin-fails", attempt(held=1, twin_report=twin(1, ["a"], passed=False))),
        # cannot fail on one attempt but can on the other: the case can fail
        case(
            "flaky", attempt(twin_report=twin(3, ["a", "b", "c"])), attempt(twin_report=twin(3, []))
        ),
        # no twin at all
        case("plain", attempt(ms=50.0), capability="deal_strategy"),
    ]
    return run_results(run_id="r2", started="now", seconds=1.0, repeat=1, judge="none", cases=cases)


def test_the_summary_counts_twins_checks_and_cases_that_cannot_fail() -> None:
    results = tiny_run()
    overall = results.overall
    assert overall is not None
    assert overall.cases == 6 and overall.attempts == 7
    assert overall.twins == 6 and overall.twin_pass_rate == round(5 / 6, 3)
    assert overall.cannot_fail == ["blind", "twin-fails"]
    # 7 attempts x 3 case checks, and 2 twin checks on each of the 6 twin runs
    assert overall.checks == 7 * 3 + 6 * 2
    assert overall.checks_held == (3 + 3 + 0 + 1 + 3 + 3 + 3) + (5 * 2 + 1)
    assert overall.check_rate == round(overall.checks_held / overall.checks, 3)
    nba, ds = results.summary["next_best_action"], results.summary["deal_strategy"]
    assert nba.twins == 6 and nba.cannot_fail == ["blind", "twin-fails"] and nba.cases == 5
    assert ds.twins == 0 and ds.twin_pass_rate is None and ds.cannot_fail == []
    assert set(results.judgments) == {"free_text", "commercial"}
    assert results.judgments["free_text"].cannot_fail == ["blind"]
    assert results.judgments["commercial"].pass_rate == 0.0


def test_the_digest_lists_failures_cannot_fail_and_the_slowest() -> None:
    shown = digest(tiny_run(), None, [])
    assert [f.id for f in shown.failing] == ["all-wrong", "twin-fails"]
    twin_failure = shown.failing[1]
    assert twin_failure.twin == "the fact flipped" and twin_failure.twin_scores
    assert [(c.id, c.held) for c in shown.cannot_fail] == [
        ("blind", ["a", "b", "c"]),
        ("twin-fails", ["a"]),
    ]
    partly = {p.id: p.held for p in shown.partly_held}
    assert partly == {"sharp": ["a"], "flaky": ["a", "b", "c"]}
    assert shown.slowest[0].id == "plain"


def test_the_change_since_the_last_run_has_rate_deltas() -> None:
    before = tiny_run()
    now = before.model_copy(deep=True)
    for a in now.cases[2].attempts:  # all-wrong now passes
        a.passed = True
    now = run_results(
        run_id="r3", started="later", seconds=1.0, repeat=1, judge="none", cases=now.cases
    )
    change = compare(now, before)
    assert change.previous_run == "r2" and change.newly_passing == ["all-wrong"]
    assert change.newly_failing == [] and change.removed_cases == []
    deltas = {d.name: d for d in change.deltas}
    assert deltas["next_best_action"].pass_rate_delta == pytest.approx(1 / 6, abs=0.002)
    assert deltas["deal_strategy"].pass_rate_delta == 0.0
    assert deltas["overall"].pass_rate_delta == pytest.approx(1 / 7, abs=0.002)


def test_an_older_results_file_still_loads_and_compares(tmp_path: Path) -> None:
    """A baseline written before these figures existed has none of them."""
    results = tiny_run()
    old = results.model_dump(exclude={"overall", "judgments"})
    for c in old["cases"]:
        c.pop("judgment")
    path = tmp_path / "results.json"
    path.write_text(RunResults.model_validate(old).model_dump_json(exclude={"overall"}))
    loaded = load_results(path)
    assert loaded is not None and loaded.overall is None
    assert compare(results, loaded).newly_passing == []


CASE = """
id: {id}
capability: next_best_action
description: {id}
request: {{deal_id: D-1003}}
expect:
  signals_include: [economic_buyer_not_engaged]
  forbid_plays: [play-ask-for-the-business]
twin:
  description: {twin}
  edits: [{edit}]
"""


def test_the_runner_finds_checks_that_cannot_fail_on_twins(tmp_path: Path) -> None:
    """A twin that changes nothing the checks read leaves them all holding: reported. A twin on
    a deal whose economic buyer is engaged turns the signal check false: not reported."""
    folder = tmp_path / "next_best_action"
    folder.mkdir()
    (folder / "blind.yaml").write_text(
        CASE.format(id="blind", twin="a message", edit="{path: message, set: 'Any advice?'}")
    )
    (folder / "sharp.yaml").write_text(
        CASE.format(id="sharp", twin="another deal", edit="{path: deal_id, set: D-1006}")
    )
    graders = [g for g in offline_graders() if g.name != "latency"]
    settings = RunSettings(cases_dir=tmp_path, graders=graders)
    results = run(settings, load_cases(settings))
    assert results.overall is not None and results.overall.twins == 2
    assert results.overall.cannot_fail == ["blind"]
    blind = next(c for c in results.cases if c.id == "blind").attempts[0].twin
    assert blind is not None and blind.description == "a message"
    assert blind.holds_on_twin == [
        "signals_include: economic_buyer_not_engaged",
        "forbid_plays: play-ask-for-the-business",
    ]
    sharp = next(c for c in results.cases if c.id == "sharp").attempts[0].twin
    assert sharp is not None and sharp.can_fail
    assert "signals_include: economic_buyer_not_engaged" not in sharp.holds_on_twin
    shown = write_reports(results, tmp_path / "out", None, [])
    assert [c.id for c in shown.cannot_fail] == ["blind"]


def test_the_gate_refuses_checks_that_cannot_fail() -> None:
    from evals.harness.report import Thresholds, gate

    lenient = Thresholds.model_validate({"default": {"min_pass_rate": 0, "min_pass_k_rate": 0}})
    (problem,) = gate(tiny_run(), lenient)
    assert problem.startswith("checks that cannot fail") and "blind, twin-fails" in problem


def test_the_latency_budget_gates_unless_turned_off() -> None:
    from evals.harness.report import Thresholds, gate

    slow = run_results(
        run_id="r",
        started="now",
        seconds=1.0,
        repeat=1,
        judge="none",
        cases=[case("slow", attempt(ms=900.0))],
    )
    budget = Thresholds.model_validate({"default": {"max_latency_p95_ms": 100}})
    (problem,) = gate(slow, budget)
    assert problem == "next_best_action: p95 latency 900 ms > 100 ms"
    assert gate(slow, budget, latency=False) == []
