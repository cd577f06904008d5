"""Fitting and checking a win model on a user's closed deals (numpy only).

Method, chosen to be honest rather than impressive:
- features a CRM export can give without leaking the outcome: log cycle length (created ->
  closed), one-hots of segment-like columns (top levels, the rest 'other'), log size;
- L2-regularised logistic regression by Newton (IRLS) steps on standardised features;
- a time split: fit on the earliest 70% by close date, evaluate on the latest 30%, so drift over
  time shows up as it would in use; the same split scores a deal-length-only model, the
  reference every richer model has to beat;
- Brier score, AUC (Mann-Whitney rank statistic) and a 10-bin reliability table;
- the saved model is then refitted on every closed deal; its recorded metrics are those of the
  held-out evaluation above. With fewer than `min_deals` closed deals nothing is fitted: the
  saved model says so and the estimator keeps its priors, at low confidence.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from agent.analysis.fit import Array, auc, brier, fit_logistic, reliability
from agent.analysis.history import CYCLE_COLUMN, ClosedDeal, HistoryMapping, load_history
from agent.contracts.probability import (
    CalibrationReport,
    CategoricalFeature,
    Coefficient,
    LiveField,
    ModelMetrics,
    NumericFeature,
    WinModel,
)
from agent.errors import InvalidInput, describe_validation_error

MIN_DEALS = 200
TRAIN_SHARE = 0.7
CYCLE_FEATURE = "log_cycle_days"
L2_GRID = (0.3, 3.0, 30.0, 300.0)


def _encoding(deals: list[ClosedDeal], m: HistoryMapping, length_only: bool) -> WinModel:
    """An unfitted WinModel holding the feature encoding learnt from these deals."""
    sources: list[tuple[str, str, LiveField | None, float]] = [
        (CYCLE_FEATURE, CYCLE_COLUMN, None, 1.0)
    ]
    if not length_only:
        if m.amount and not m.amount.leaks_outcome:
            sources.append(("log_amount", m.amount.column, "amount", m.amount.live_scale))
        sources += [(f"log_{f.column}", f.column, f.live, f.live_scale) for f in m.numeric]
    numeric = []
    for name, column, live, scale in sources:
        raw = [v for d in deals if isinstance(v := d.values.get(column), float) and v >= 0]
        logs = np.log1p(np.array(raw)) if raw else np.zeros(1)
        std = float(logs.std())
        numeric.append(
            NumericFeature(
                name=name,
                column=column,
                live=live,
                live_scale=scale,
                mean=float(logs.mean()),
                std=std if std > 1e-9 else 1.0,
            )
        )
    categorical = []
    for feature in [] if length_only else m.categorical:
        seen = [str(d.values.get(feature.column) or "").strip().lower() for d in deals]
        counts = Counter(v for v in seen if v)
        top = sorted(counts, key=lambda v: (-counts[v], v))[: m.top_levels]
        total = max(1, sum(counts.values()))
        rest = total - sum(counts[v] for v in top)
        categorical.append(
            CategoricalFeature(
                name=feature.column,
                column=feature.column,
                live=feature.live,
                levels=[*top, "other"],
                shares=[counts[v] / total for v in top] + [rest / total],
            )
        )
    return WinModel(fitted=False, calibrated_on=0, numeric=numeric, categorical=categorical)


class _Encoded:
    """Deals encoded once by a model's own encoder (the one live deals go through)."""

    def __init__(self, model: WinModel, deals: list[ClosedDeal]) -> None:
        rows = [model.encode(d.values) for d in deals]
        self.model, self.names = model, list(rows[0]) if rows else []
        self.x = np.array([[r[f] for f in self.names] for r in rows], dtype=np.float64)
        self.y = np.array([float(d.won) for d in deals])

    def fit(self, l2: float) -> WinModel:
        intercept, weights = fit_logistic(self.x, self.y, l2)
        coefficients = {n: round(float(w), 6) for n, w in zip(self.names, weights, strict=True)}
        return self.model.model_copy(
            update={
                "fitted": True,
                "calibrated_on": len(self.y),
                "intercept": intercept,
                "coefficients": coefficients,
                "base_rate": float(self.y.mean()),
                "l2": l2,
            }
        )


def _probs(model: WinModel, encoded: _Encoded) -> Array:
    """Probabilities for deals already encoded with this model's encoding."""
    weights = np.array([model.coefficients[n] for n in encoded.names])
    probs: Array = 1.0 / (1.0 + np.exp(-np.clip(model.intercept + encoded.x @ weights, -30, 30)))
    return probs


def _predict(model: WinModel, deals: list[ClosedDeal]) -> Array:
    """Held-out probabilities, through the same encode/predict path a live deal takes."""
    return _probs(model, _Encoded(model, deals))


def _choose_l2(train: list[ClosedDeal], mapping: HistoryMapping) -> float:
    """The mapping's l2, else the grid value with the best Brier on the latest 30% of the
    training deals (a time split inside the training set: the test deals are never seen)."""
    if mapping.l2 is not None:
        return mapping.l2
    cut = int(round(len(train) * TRAIN_SHARE))
    inner, valid = train[:cut], train[cut:]
    encoded = _Encoded(_encoding(inner, mapping, False), inner)
    held_out = _Encoded(encoded.model, valid)  # same encoding for every penalty on the grid
    scores = []
    for l2 in L2_GRID:
        probs = _probs(encoded.fit(l2), held_out)
        scores.append((round(brier(probs, held_out.y), 6), -l2))
    return -min(scores)[1]


def _metrics(probs: Array, labels: Array) -> ModelMetrics:
    return ModelMetrics(auc=auc(probs, labels), brier=brier(probs, labels), n=len(labels))


def _honesty_notes(model: ModelMetrics, length: ModelMetrics, base_brier: float) -> list[str]:
    """Says plainly when the fitted model does not earn its extra columns."""
    notes = []
    if model.brier >= base_brier:
        notes.append("the fitted model is no better than always predicting the base rate")
    if model.brier >= length.brier:
        notes.append(
            "the extra columns do not improve on deal length alone on the test deals: "
            "read their coefficients as noise"
        )
    return notes


def _period(deals: list[ClosedDeal]) -> str:
    return f"{deals[0].closed.isoformat()} to {deals[-1].closed.isoformat()}"


def calibrate(
    history: Path, mapping: HistoryMapping, min_deals: int = MIN_DEALS
) -> tuple[CalibrationReport, WinModel]:
    """Fit, evaluate on the latest 30%, and return the report and the model to save."""
    data = load_history(history, mapping)
    deals = sorted(data.deals, key=lambda d: (d.closed, d.id))
    won = sum(d.won for d in deals)
    why = f"only {len(deals)} closed deals (fewer than {min_deals})"
    if len(deals) >= min_deals and won in (0, len(deals)):
        why = "every closed deal has the same outcome"
    summary = CalibrationReport(
        history=str(history),
        mapping=mapping.name,
        fitted=False,
        confidence="low",
        message=f"{why}: nothing was fitted; estimates keep the priors at low confidence",
        closed=len(deals),
        won=won,
        open_excluded=data.open_rows,
        warnings=data.warnings,
    )
    if len(deals) < min_deals or won in (0, len(deals)):
        model = WinModel(
            fitted=False,
            calibrated_on=len(deals),
            message=summary.message,
            mapping_hash=mapping.digest(),
        )
        return summary, model
    cut = int(round(len(deals) * TRAIN_SHARE))
    train, test = deals[:cut], deals[cut:]
    labels = np.array([float(d.won) for d in test])
    l2 = _choose_l2(train, mapping)
    full = _Encoded(_encoding(train, mapping, False), train).fit(l2)
    length = _Encoded(_encoding(train, mapping, True), train).fit(l2)
    probs = _predict(full, test)
    rate = float(np.mean([d.won for d in train]))
    model_metrics, length_metrics = (
        _metrics(probs, labels),
        _metrics(_predict(length, test), labels),
    )
    base_brier = brier(np.full(len(test), rate), labels)
    notes = _honesty_notes(model_metrics, length_metrics, base_brier)
    confidence = "high" if len(deals) >= 5 * min_deals and not notes else "medium"
    fitted = {
        "fitted": True,
        "confidence": "low" if model_metrics.brier >= base_brier else confidence,
        "message": f"fitted on the {len(train)} earliest closed deals, tested on the latest "
        f"{len(test)}; the saved model is refitted on all {len(deals)}",
        "train": len(train),
        "test": len(test),
        "train_period": _period(train),
        "test_period": _period(test),
        "base_rate_train": rate,
        "base_rate_test": float(labels.mean()),
        "model": model_metrics,
        "length_only": length_metrics,
        "base_rate_brier": base_brier,
        "reliability": reliability(probs, labels),
        "l2": l2,
        "warnings": data.warnings + notes,
        "coefficients": sorted(
            (Coefficient(feature=f, weight=w) for f, w in full.coefficients.items()),
            key=lambda c: (-abs(c.weight), c.feature),
        ),
    }
    # Re-validated so a wrong type here fails loudly rather than reaching the JSON file.
    report = CalibrationReport.model_validate({**summary.model_dump(), **fitted})
    final = _Encoded(_encoding(deals, mapping, False), deals).fit(l2)
    saved = final.model_copy(
        update={
            "message": report.message,
            "metrics": report.model,
            "baseline_metrics": report.length_only,
            "live_stages": mapping.live_stages,
            "mapping_hash": mapping.digest(),
        }
    )
    return report, saved


def save_model(model: WinModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(model.model_dump_json(indent=2) + "\n", encoding="utf-8")


def load_model(path: Path) -> WinModel:
    try:
        return WinModel.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise InvalidInput(f"cannot read the model ({exc.strerror})", where=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"not valid JSON ({exc.msg})", where=f"{path} line {exc.lineno}"
        ) from None
    except ValidationError as exc:
        raise InvalidInput(
            describe_validation_error(exc.errors()),
            where=str(path),
            fix="Run `coach calibrate` again to rewrite it",
        ) from None


__all__ = [
    "CalibrationReport",
    "auc",
    "brier",
    "calibrate",
    "fit_logistic",
    "load_model",
    "reliability",
    "save_model",
]
