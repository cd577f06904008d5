"""Property-based inputs never end in a traceback: every input schema, transcript reader, CLI
option and inline request body gives a result or one capped message (evals/fuzz.py). A small
derandomised sample runs here; `python -m evals.bench_fuzz --examples N` runs the long one."""

from __future__ import annotations

import traceback

import pytest
from typer.testing import CliRunner

from agent.interfaces.cli.app import app
from evals.fuzz import Case, runners


def invoke(args: list[str], stdin: str | None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args, input=stdin)
    failure = result.exception
    if failure is None or isinstance(failure, SystemExit):
        return result.exit_code, result.output, ""
    return result.exit_code, result.output, "".join(traceback.format_exception(failure))


# Examples per target: enough to reach each kind of nasty value, few enough to stay fast.
SAMPLE = {"cli": 12, "request": 12}
DEFAULT = 25
TARGETS = runners(DEFAULT, invoke=invoke)
SLOW = runners(max(SAMPLE.values()), invoke=invoke)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_no_input_ends_in_a_traceback(target: str) -> None:
    cases: list[Case] = []
    (SLOW if target in SAMPLE else TARGETS)[target](cases)
    assert cases, "the property ran no example"
    tracebacks = [c.detail for c in cases if c.outcome == "traceback"]
    assert not tracebacks, tracebacks[0]
    assert any(c.outcome == "message" for c in cases), "no example was refused: too tame"
