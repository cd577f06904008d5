"""Calibration on synthetic CRM exports with a known signal, the scoring rules, and bad input."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from agent.analysis import analyze_deal
from agent.analysis.calibration import (
    _predict,
    auc,
    brier,
    calibrate,
    load_model,
    reliability,
    save_model,
)
from agent.analysis.history import HistoryMapping, load_history, load_mapping
from agent.analysis.probability import estimate_win_probability
from agent.errors import InvalidInput
from agent.interfaces.cli.calibrate import calibrate_command
from tests.factories import AS_OF, make_context

START = dt.date(2024, 1, 1)
MAPPING = HistoryMapping.model_validate(
    {
        "id": "deal_id",
        "outcome": {"column": "status", "won": ["Closed Won"], "lost": ["Closed Lost"]},
        "created": "created_on",
        "closed": "closed_on",
        "amount": {"column": "amount"},
        "categorical": [{"column": "segment", "live": "industry"}],
    }
)


def write_history(path: Path, closed: int, seed: int = 7, open_rows: int = 25) -> Path:
    """Deals whose segment carries a strong signal (alpha wins 80%, beta 30%) and whose length
    carries a weak one; outcomes do not drift over time."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for i in range(closed + open_rows):
        segment = "alpha" if rng.random() < 0.5 else "beta"
        cycle = int(rng.integers(5, 120))
        p = (0.8 if segment == "alpha" else 0.3) + (0.05 if cycle > 60 else -0.05)
        created = START + dt.timedelta(days=int(rng.integers(0, 600)))
        status = ("Closed Won" if rng.random() < p else "Closed Lost") if i < closed else "Open"
        rows.append(
            {
                "deal_id": f"D{i:05d}",
                "status": status,
                "created_on": created.isoformat(),
                "closed_on": (created + dt.timedelta(days=cycle)).isoformat(),
                "amount": int(rng.integers(1_000, 90_000)),
                "segment": segment,
            }
        )
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def edit_csv(path: Path, line: int, column: str, value: str) -> None:
    rows = list(csv.DictReader(path.open()))
    rows[line - 2][column] = value
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_history(tmp_path_factory.mktemp("hist") / "deals.csv", closed=1200)


def test_fitted_model_beats_the_length_only_baseline(history: Path) -> None:
    report, model = calibrate(history, MAPPING)
    assert report.fitted and model.fitted
    assert report.closed == 1200 and report.open_excluded == 25
    assert report.train + report.test == 1200 and report.test == 360
    assert report.model and report.length_only and report.base_rate_brier
    assert report.model.auc and report.length_only.auc
    assert report.model.auc > report.length_only.auc + 0.15
    assert report.model.brier < report.length_only.brier < report.base_rate_brier + 0.01
    assert sum(b.count for b in report.reliability) == report.test
    assert report.coefficients[0].feature.startswith("segment=")
    assert model.calibrated_on == 1200 and model.metrics == report.model
    assert not any("no better" in w for w in report.warnings)


def test_saved_model_predicts_like_the_evaluated_path_and_round_trips(
    history: Path, tmp_path: Path
) -> None:
    _, model = calibrate(history, MAPPING)
    deals = load_history(history, MAPPING).deals[:20]
    assert _predict(model, deals) == pytest.approx([model.predict(d.values) for d in deals])
    save_model(model, tmp_path / "m" / "win.json")
    assert load_model(tmp_path / "m" / "win.json") == model


def test_auc_of_perfect_reversed_constant_and_random_scores() -> None:
    labels = np.array([0.0, 0.0, 1.0, 1.0])
    assert auc(np.array([0.1, 0.2, 0.8, 0.9]), labels) == 1.0
    assert auc(np.array([0.9, 0.8, 0.2, 0.1]), labels) == 0.0
    assert auc(np.full(4, 0.5), labels) == 0.5
    assert auc(np.array([0.1, 0.5, 0.5, 0.9]), labels) == pytest.approx(0.875)  # tie counts half
    rng = np.random.default_rng(1)
    assert auc(rng.random(20_000), (rng.random(20_000) < 0.4).astype(float)) == pytest.approx(
        0.5, abs=0.02
    )
    assert auc(np.array([0.2, 0.4]), np.array([1.0, 1.0])) is None


def test_brier_and_reliability() -> None:
    labels = np.array([1.0, 0.0, 1.0, 0.0])
    assert brier(labels, labels) == 0.0
    assert brier(np.full(4, 0.5), labels) == 0.25
    probs = np.array([0.05, 0.15, 0.15, 0.95, 1.0])
    table = reliability(probs, np.array([0.0, 1.0, 0.0, 1.0, 1.0]))
    assert len(table) == 10 and sum(b.count for b in table) == 5
    assert (table[1].count, table[1].observed_rate) == (2, 0.5)
    assert table[9].count == 2 and table[9].mean_predicted == pytest.approx(0.975)
    assert table[4].mean_predicted is None


def test_too_little_history_keeps_the_priors(tmp_path: Path) -> None:
    small = write_history(tmp_path / "small.csv", closed=150)
    report, model = calibrate(small, MAPPING)
    assert not report.fitted and not model.fitted and report.confidence == "low"
    assert "150 closed deals (fewer than 200)" in report.message and "priors" in report.message
    ctx = make_context()
    est = estimate_win_probability(ctx, analyze_deal(ctx, AS_OF), model)
    assert est.baseline_source == "prior" and est.confidence == "low"
    assert "was not used" in est.explanation


def test_an_amount_that_leaks_the_outcome_is_dropped(history: Path) -> None:
    leaky = {**MAPPING.model_dump(), "amount": {"column": "amount", "leaks_outcome": True}}
    report, model = calibrate(history, HistoryMapping.model_validate(leaky))
    assert any("'amount' dropped" in w for w in report.warnings)
    assert "log_amount" not in model.coefficients
    assert "log_amount" in calibrate(history, MAPPING)[1].coefficients


def test_missing_column_is_named_with_the_available_ones(history: Path) -> None:
    bad = MAPPING.model_copy(update={"closed": "close_date"})
    with pytest.raises(InvalidInput) as exc:
        calibrate(history, bad)
    message = str(exc.value)
    assert "'close_date' (closed)" in message and "deal_id, status, created_on" in message


def test_unparseable_date_names_line_and_value(tmp_path: Path) -> None:
    path = write_history(tmp_path / "dates.csv", closed=300)
    edit_csv(path, 17, "closed_on", "next spring")
    with pytest.raises(InvalidInput) as exc:
        calibrate(path, MAPPING)
    assert "line 17" in str(exc.value) and "'next spring'" in str(exc.value)


def test_outcome_without_won_values_lists_what_was_found(history: Path) -> None:
    bad = HistoryMapping.model_validate(
        {**MAPPING.model_dump(), "outcome": {"column": "status", "won": ["Won"], "lost": ["Lost"]}}
    )
    with pytest.raises(InvalidInput) as exc:
        calibrate(history, bad)
    message = str(exc.value)
    assert "no row of column 'status' has a won value (Won)" in message
    assert "Closed Won (" in message and "Open (25)" in message


def test_joins_fill_columns_through_aliases(tmp_path: Path) -> None:
    path = write_history(tmp_path / "deals.csv", closed=40, open_rows=0)
    mapping = HistoryMapping.model_validate(
        {
            **MAPPING.model_dump(),
            "categorical": [{"column": "region"}],
            "joins": [
                {
                    "file": "segments.csv",
                    "key": "segment",
                    "columns": ["region"],
                    "aliases": {"alpha": "ALPHA"},
                }
            ],
        }
    )
    (tmp_path / "segments.csv").write_text("segment,region\nALPHA,north\nbeta,south\n")
    deals = load_history(path, mapping).deals
    assert {d.values["region"] for d in deals} == {"north", "south"}


def test_mapping_file_errors_name_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text("outcome: {column: stage, won: []}\n")
    with pytest.raises(InvalidInput) as exc:
        load_mapping(path)
    assert str(path) in str(exc.value) and "outcome.won" in str(exc.value)


def test_cli_prints_metrics_writes_the_model_and_exits_2_on_bad_input(
    history: Path, tmp_path: Path
) -> None:
    app = typer.Typer()
    app.command()(calibrate_command)
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "id: deal_id\noutcome: {column: status, won: [Closed Won], lost: [Closed Lost]}\n"
        "created: created_on\nclosed: closed_on\ncategorical: [{column: segment}]\n"
    )
    out = tmp_path / "model.json"
    result = CliRunner().invoke(app, [str(history), "-m", str(mapping), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for text in ("AUC", "Brier", "deal length only", "Reliability", "segment="):
        assert text in result.output
    assert load_model(out).fitted
    failed = CliRunner().invoke(app, [str(history), "-o", str(out)])  # default column names
    assert failed.exit_code == 2 and "--mapping" in failed.output
