"""`coach eval`: run the eval cases, write reports, and gate on the thresholds."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from agent.interfaces.cli.common import err, user_errors
from agent.resources import state_dir

out = Console()
EVAL_HOME = state_dir() / "evals"


@user_errors
def eval_command(
    capability: Annotated[str | None, typer.Option(help="Only this capability")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Case id or file glob")] = None,
    repeat: Annotated[int, typer.Option(min=1, max=50, help="Attempts per case (pass^k)")] = 1,
    model: Annotated[
        str | None,
        typer.Option(help="Judge model (else COACH_MODEL); none: rubrics are skipped and reported"),
    ] = None,
    concurrency: Annotated[int | None, typer.Option(min=1, max=32)] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", file_okay=False)] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="Previous results.json to diff against (default: the last run)"),
    ] = None,
    gate: Annotated[bool, typer.Option(help="Exit 1 when below evals/thresholds.yaml")] = False,
    latency_gate: Annotated[
        bool,
        typer.Option(
            help="A case over its time budget fails (off: reported only, as `make test` runs it; "
            "time on a shared machine is noise, evals/bench_*.py measure speed)"
        ),
    ] = True,
    calibrate_judge: Annotated[
        bool,
        typer.Option(
            "--calibrate-judge", help="Check the judge against labelled outputs, then stop"
        ),
    ] = False,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", file_okay=False)] = None,
    cases_dir: Annotated[
        Path | None,
        typer.Option("--cases", file_okay=False, help="Case folder (default: evals/cases)"),
    ] = None,
) -> None:
    """Run the eval cases (evals/cases/**.yaml) and write JSON, markdown and HTML reports."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from agent.model.factory import ModelSettings, chat_model
    from agent.settings import CoachContext
    from evals.harness.graders import offline_graders
    from evals.harness.judge import Judge, RubricGrader, calibrate, load_calibration
    from evals.harness.report import gate as check_gate
    from evals.harness.report import load_results, load_thresholds, write_reports
    from evals.harness.report_md import console
    from evals.harness.runner import RunSettings, load_cases, run

    settings_model = ModelSettings.from_env(model)
    judge = Judge(chat_model(settings_model), settings_model.model) if settings_model else None
    if calibrate_judge:
        if judge is None:
            err.print("No judge model configured: pass --model or set COACH_MODEL.")
            raise typer.Exit(code=2)
        report = calibrate(judge, load_calibration())
        out.print(
            f"Judge {judge.name} agrees with {report['agreement']:.0%} of "
            f"{report['items']} labelled outputs."
        )
        for d in report["disagreements"]:
            out.print(f"- {d['id']}: labelled {d['label']}, judged {d['judge']}: {d['reasoning']}")
        return
    # An eval run must not teach the agent or notify anyone: a scratch memory file (so every run
    # starts from the same empty history) and no outbox (events stay in the responses).
    scratch = tempfile.TemporaryDirectory(prefix="coach-eval-")
    context = replace(
        CoachContext.from_env(workspace),
        memory=Path(scratch.name) / "memory.sqlite",
        outbox=None,
        database_url=None,  # the scratch memory, never a shared database's
    )
    settings = RunSettings(
        context=context,
        capability=capability,
        pattern=case,
        repeat=repeat,
        concurrency=concurrency or (4 if judge else 1),
        graders=[*offline_graders(latency_gate), RubricGrader(judge)],
        gate_latency=latency_gate,
        judge_name=judge.name if judge else "none (rubrics skipped)",
    )
    if cases_dir is not None:
        settings.cases_dir = cases_dir
    cases = load_cases(settings)
    if not cases:
        err.print("No eval cases matched.")
        raise typer.Exit(code=2)
    with Progress(
        TextColumn("[bold]eval"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("eval", total=len(cases) * repeat)
        results = run(settings, cases, on_attempt=lambda: progress.advance(task))
    scratch.cleanup()
    target = out_dir or EVAL_HOME / results.run_id
    # The last run of the same case folder: scenarios compare with scenarios, cases with cases.
    latest = EVAL_HOME / ("latest.json" if cases_dir is None else f"latest-{cases_dir.name}.json")
    previous = load_results(baseline or latest)
    problems = check_gate(results, load_thresholds(), latency=latency_gate)
    shown = write_reports(results, target, previous, problems)
    if out_dir is None or baseline is None:
        EVAL_HOME.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target / "results.json", latest)
    # The report's opening, compact; markup off: reasons quote lists like ['gap'].
    for line in console(shown, str(target / "summary.md")):
        out.print(line, highlight=False, markup=False, soft_wrap=True)
    out.print(f"Reports: {target}/report.html", highlight=False, markup=False, soft_wrap=True)
    if gate and problems:
        err.print("[bold red]eval gate failed:[/] " + "; ".join(problems))
        raise typer.Exit(code=1)
