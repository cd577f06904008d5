"""`coach calibrate HISTORY.csv`: fit the win model on closed deals and show how far to trust it.

The figures that matter are side by side: the fitted model, a model that knows only each deal's
length, and always predicting the historical win rate, all scored on the most recent deals.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from agent.interfaces.cli.common import user_errors

if TYPE_CHECKING:  # the command imports them when it runs: `coach --help` stays light
    from rich.table import Table

    from agent.contracts.probability import CalibrationReport

TOP_COEFFICIENTS = 10
console = Console()


def _fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _metrics_table(report: CalibrationReport) -> Table:
    from rich.table import Table

    from agent.contracts.probability import ModelMetrics

    model = report.model or ModelMetrics(brier=0.0, n=0)
    length = report.length_only or ModelMetrics(brier=0.0, n=0)
    table = Table(
        title=f"Held-out test: the latest {report.test} closed deals ({report.test_period})"
    )
    for column in ("", "fitted model", "deal length only", "always the base rate"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row("AUC", _fmt(model.auc), _fmt(length.auc), "0.500")
    table.add_row(
        "Brier (lower is better)",
        _fmt(model.brier, 4),
        _fmt(length.brier, 4),
        _fmt(report.base_rate_brier, 4),
    )
    table.add_row("deals trained on", str(report.train), str(report.train), str(report.train))
    table.add_row("deals tested on", str(model.n), str(length.n), str(report.test))
    return table


def _reliability_table(report: CalibrationReport) -> Table:
    from rich.table import Table

    table = Table(title="Reliability (fitted model, test deals): predicted against observed")
    for column in ("predicted", "deals", "mean predicted", "observed win rate"):
        table.add_column(column, justify="right")
    for row in report.reliability:
        table.add_row(
            f"{row.lower:.1f}-{row.upper:.1f}",
            str(row.count),
            _fmt(row.mean_predicted),
            _fmt(row.observed_rate),
        )
    return table


def _coefficient_table(report: CalibrationReport) -> Table:
    from rich.table import Table

    table = Table(title=f"Largest coefficients (log-odds; ridge penalty {_fmt(report.l2, 1)})")
    table.add_column("feature")
    table.add_column("weight", justify="right")
    for coef in report.coefficients[:TOP_COEFFICIENTS]:
        table.add_row(coef.feature, f"{coef.weight:+.3f}")
    return table


def _print(report: CalibrationReport) -> None:
    console.print(
        f"{report.history}: {report.closed} closed deals ({report.won} won), "
        f"{report.open_excluded} open rows left out.",
        highlight=False,
    )
    for warning in report.warnings:
        console.print(f"[yellow]note:[/] {warning}", highlight=False)
    if not report.fitted:
        console.print(f"[yellow]Not fitted:[/] {report.message}.", highlight=False)
        return
    console.print(
        f"Win rate {_fmt(report.base_rate_train)} in training ({report.train_period}), "
        f"{_fmt(report.base_rate_test)} in the test ({report.test_period}).",
        highlight=False,
    )
    console.print(_metrics_table(report))
    console.print(_reliability_table(report))
    console.print(_coefficient_table(report))
    console.print(f"Confidence {report.confidence}: {report.message}.", highlight=False)


@user_errors
def calibrate_command(
    history: Annotated[
        Path, typer.Argument(help="CRM export of past deals (CSV); open deals are left out")
    ],
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            "-m",
            help="YAML naming the CSV's columns (example: evals/maven_mapping.yaml); default: "
            "columns id, outcome (won/lost), created, closed",
            dir_okay=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write the model JSON", dir_okay=False),
    ] = None,
    min_deals: Annotated[
        int, typer.Option(min=2, help="Fewer closed deals than this: keep the priors")
    ] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Fit the win-probability model on your closed deals and report Brier score, AUC and a
    reliability table next to a deal-length-only model (fit on the earliest 70%, tested on
    the latest 30% by close date)."""
    from agent.analysis.calibration import calibrate, save_model
    from agent.analysis.history import HistoryMapping, load_mapping
    from agent.settings import DEFAULT_WIN_MODEL  # where the agent looks for it at run time

    spec = load_mapping(mapping) if mapping else HistoryMapping()
    report, model = calibrate(history, spec, min_deals=min_deals)
    target = out or DEFAULT_WIN_MODEL
    save_model(model, target)
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return
    _print(report)
    what = "model" if model.fitted else "record that no model was fitted"
    console.print(f"Wrote the {what} to {target}", highlight=False)


__all__ = ["calibrate_command"]
