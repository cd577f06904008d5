"""Win probability contracts: the estimate for one deal, and the fitted history model behind it.

`WinProbability` is what a capability shows: a baseline, the signed log-odds each piece of evidence
added, and how far to trust the result. `WinModel` is the JSON file `coach calibrate` writes; it
carries its own feature encoding so that a live deal is encoded exactly as the history was.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from pydantic import Field, model_validator

from agent.contracts.base import Contract, Level

BaselineSource = Literal["analytics", "process", "prior", "fitted"]
LiveField = Literal[
    "industry", "amount", "employees", "annual_revenue", "region", "owner", "product"
]


class FactorContribution(Contract):
    """One piece of evidence and what it did to the odds of winning (signed, natural log)."""

    factor: str = Field(description="Signal id, e.g. 'champion_gone_quiet'.")
    label: str
    log_odds: float = Field(description="Added to logit(baseline); negative lowers the chance.")
    detail: str
    citations: list[str] = Field(default_factory=list)


class WinProbability(Contract):
    """Chance the deal is won, as baseline plus interpretable evidence adjustments, with the
    interval the estimate could fall in (unknown evidence widens it)."""

    value: float = Field(ge=0, le=1)
    low: float = Field(ge=0, le=1, description="Lower end of the plausible interval.")
    high: float = Field(ge=0, le=1, description="Upper end of the plausible interval.")
    baseline: float = Field(ge=0, le=1)
    baseline_source: BaselineSource
    baseline_citation: str | None = Field(
        default=None, description="e.g. 'analytics.stage_conversion[3]' or 'process.stages[2]'."
    )
    factors: list[FactorContribution] = Field(default_factory=list)
    confidence: Level
    model: str = Field(description="Name and version of the estimator.")
    calibrated_on: int | None = Field(
        default=None, description="Closed deals a fitted baseline was fitted on; None = none."
    )
    explanation: str

    @model_validator(mode="after")
    def _interval(self) -> WinProbability:
        if not self.low <= self.value <= self.high:
            raise ValueError(f"interval {self.low}-{self.high} does not hold {self.value}")
        return self


class NumericFeature(Contract):
    """A numeric history column, log1p-transformed then standardised with training statistics."""

    name: str
    column: str
    live: LiveField | None = Field(default=None, description="Live deal field that supplies it.")
    live_scale: float = Field(default=1.0, description="Multiply the live value by this first.")
    mean: float
    std: float = Field(gt=0)


class CategoricalFeature(Contract):
    """A categorical column one-hot encoded over its most frequent training levels plus 'other'."""

    name: str
    column: str
    live: LiveField | None = None
    levels: list[str] = Field(description="Lower-cased levels, 'other' last.")
    shares: list[float] = Field(description="Training share of each level, same order.")

    @model_validator(mode="after")
    def _aligned(self) -> CategoricalFeature:
        if len(self.levels) != len(self.shares):
            raise ValueError(
                f"{self.name}: {len(self.levels)} levels but {len(self.shares)} shares"
            )
        return self


class ModelMetrics(Contract):
    auc: float | None = Field(default=None, description="None when the test split has one class.")
    brier: float
    n: int


class WinModel(Contract):
    """A logistic model fitted on a user's closed deals (or a record that it was not fitted)."""

    name: str = "history-logit"
    version: str = "1"
    fitted: bool
    calibrated_on: int = Field(ge=0, description="Closed deals available when calibrating.")
    message: str = ""
    intercept: float = 0.0
    coefficients: dict[str, float] = Field(default_factory=dict)
    numeric: list[NumericFeature] = Field(default_factory=list)
    categorical: list[CategoricalFeature] = Field(default_factory=list)
    live_stages: list[str] = Field(
        default_factory=list, description="Live stages whose outcome this history describes."
    )
    base_rate: float | None = Field(default=None, ge=0, le=1)
    l2: float | None = None
    metrics: ModelMetrics | None = None
    baseline_metrics: ModelMetrics | None = None
    mapping_hash: str = ""

    def encode(self, values: Mapping[str, str | float | None]) -> dict[str, float]:
        """Feature name -> value for one deal keyed by column; missing values are held at the
        training average, so a field the deal lacks neither helps nor hurts it."""
        out: dict[str, float] = {}
        for num in self.numeric:
            raw = values.get(num.column)
            if isinstance(raw, int | float) and raw >= 0:
                out[num.name] = (math.log1p(float(raw)) - num.mean) / num.std
            else:
                out[num.name] = 0.0
        for cat in self.categorical:
            raw = values.get(cat.column)
            if raw is None or str(raw).strip() == "":
                out.update(
                    {f"{cat.name}={lv}": s for lv, s in zip(cat.levels, cat.shares, strict=True)}
                )
                continue
            level = str(raw).strip().lower()
            level = level if level in cat.levels else "other"
            out.update({f"{cat.name}={lv}": float(lv == level) for lv in cat.levels})
        return out

    def predict(self, values: Mapping[str, str | float | None]) -> float:
        """Probability of a win for one deal (pure Python: microseconds, no numpy)."""
        encoded = self.encode(values)
        z = self.intercept + sum(w * encoded.get(f, 0.0) for f, w in self.coefficients.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class ReliabilityBin(Contract):
    """Deals whose predicted chance fell in [lower, upper), and how many of them were won."""

    bin: int
    lower: float
    upper: float
    count: int
    mean_predicted: float | None
    observed_rate: float | None


class Coefficient(Contract):
    feature: str
    weight: float = Field(description="Log-odds per standard deviation (numeric) or per level.")


class CalibrationReport(Contract):
    """What `coach calibrate` found: held-out metrics next to the deal-length-only model."""

    history: str
    mapping: str
    fitted: bool
    confidence: Level
    message: str
    closed: int
    won: int
    open_excluded: int
    train: int = 0
    test: int = 0
    train_period: str | None = None
    test_period: str | None = None
    base_rate_train: float | None = None
    base_rate_test: float | None = None
    model: ModelMetrics | None = None
    length_only: ModelMetrics | None = None
    base_rate_brier: float | None = Field(
        default=None, description="Brier of always predicting the training win rate."
    )
    reliability: list[ReliabilityBin] = Field(default_factory=list)
    l2: float | None = Field(default=None, description="Ridge penalty used (chosen or set).")
    coefficients: list[Coefficient] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


__all__ = [
    "BaselineSource",
    "CalibrationReport",
    "Coefficient",
    "CategoricalFeature",
    "FactorContribution",
    "LiveField",
    "ModelMetrics",
    "NumericFeature",
    "ReliabilityBin",
    "WinModel",
    "WinProbability",
]
