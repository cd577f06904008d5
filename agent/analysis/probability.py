"""Win probability: a measured baseline, moved by the deal's evidence in log-odds.

    logit(p) = logit(baseline) + sum of the weights of the signals that fired

The baseline is the best measured number available for the deal's stage, in this order:

1. a fitted history model (`coach calibrate`), only when it was fitted on at least
   MIN_FITTED_DEALS closed deals AND the deal's stage is one of the model's `live_stages` (the
   stages the history's outcomes are counted from). It gives the historical win rate for the
   deal's segment and size; the cycle length, which is only known once a deal closes, is held at
   its historical average, so an open deal is never credited for a cycle it has not finished;
2. analytics.stage_conversion[i].to_win for the deal's stage, when MIN_CONVERSION_SAMPLE or more
   deals are behind it;
3. the process standard's win_probability for the stage (sales operations' number);
4. PHASE_PRIORS below: conventional stage-weighted pipeline values, not measurements.

The evidence weights (SIGNAL_WEIGHTS) are authored, not fitted: CRM history rarely records the
signals of a deal at the time, so no history can calibrate them. Magnitudes are kept modest, and
correlated signals (the same underlying problem seen twice) are discounted: within a group only
the strongest counts fully, the rest count half. Pure, deterministic, microseconds.
"""

from __future__ import annotations

import math

from agent.analysis.closure import Closure
from agent.analysis.model import Analysis, Signal
from agent.contracts.base import Level, Severity
from agent.contracts.context import DealContext
from agent.contracts.probability import (
    BaselineSource,
    FactorContribution,
    WinModel,
    WinProbability,
)
from agent.contracts.upstream import Phase
from agent.formatting import opening

MODEL_NAME = "win-logit v1"
MIN_CONVERSION_SAMPLE = 30  # fewer deals behind a stage's to_win: too noisy to anchor on
MIN_FITTED_DEALS = 200  # fewer closed deals: a fitted model is not trusted over the priors
HIGH_CONFIDENCE_SAMPLE = 200  # a measured baseline this large, lightly adjusted: high confidence
MAX_LIGHT_ADJUSTMENT = 1.0  # |sum of log-odds| up to this counts as "lightly adjusted"
FLOOR, CEILING = 0.02, 0.98  # no deal is certain either way

# Conventional stage-weighted pipeline values per phase (authored, not measured).
PHASE_PRIORS: dict[Phase, float] = {
    "prospect": 0.05,
    "qualify": 0.10,
    "discover": 0.20,
    "solution": 0.35,
    "proposal": 0.50,
    "negotiate": 0.70,
    "close": 0.85,
}
UNKNOWN_PHASE_PRIOR = 0.20

# signal id -> (log-odds at medium severity, overlap group). Why each:
SIGNAL_WEIGHTS: dict[str, tuple[float, str]] = {
    # The person who signs has never been in the room: late deals rarely survive that.
    "economic_buyer_not_engaged": (-0.6, "buyer"),
    # Nobody identified as the signer: the path to a decision is unknown.
    "economic_buyer_unknown": (-0.5, "buyer"),
    # A quiet champion is the most common early sign of a stall.
    "champion_gone_quiet": (-0.5, "engagement"),
    # No internal seller: the deal depends on the rep alone.
    "no_champion": (-0.4, "engagement"),
    # One contact leaving or going quiet ends the deal.
    "single_threaded": (-0.4, "engagement"),
    # Silence on the deal itself: stalled deals are mostly lost deals.
    "no_recent_activity": (-0.5, "engagement"),
    # Well past the stage's expected time: a stall nobody has named yet. (Total cycle length
    # cuts both ways in CRM history, e.g. in Maven quick closes are mostly losses; this is
    # about time in the current stage against the process standard.)
    "stage_overdue": (-0.3, "timing"),
    # Each push of the close date says the buyer's urgency is weaker than forecast.
    "close_date_slipped": (-0.4, "timing"),
    # The buyer let the agreed date pass without signing.
    "close_date_passed": (-0.5, "timing"),
    # Two or more vendors, or an even or trailing position: fewer wins by construction.
    "competitive_bakeoff": (-0.3, "competition"),
    # An influential stakeholder is against us.
    "negative_sentiment": (-0.4, "sentiment"),
    # Someone in the buying group is working to stop the deal.
    "blocker_present": (-0.5, "sentiment"),
    # The deal risk agent's overall view; it overlaps with the rest, so it stays moderate.
    "high_risk": (-0.5, "risk"),
    # The stage claims more than the evidence shows: the stage baseline is too generous.
    "stage_ahead_of_evidence": (-0.4, "evidence"),
    # Every checked exit criterion of the stage is met: ahead of a typical deal in it.
    "exit_criteria_met": (0.4, "evidence"),
    # Frequent recent activity without bad outcomes: the buyer is investing time.
    "momentum_strong": (0.3, "momentum"),
    # A freeze, a review or a committee between the deal and signature: deals wait, and many
    # that wait are lost. Scales with severity (high when it lifts after the close date,
    # critical for a freeze that does). A group of its own: a constraint the customer states
    # is a fact outside the deal's pace, not the same stall a slow stage shows, so neither
    # hides the other.
    "buying_constraint": (-0.5, "constraint"),
    # Attempts to reach someone went unanswered: silence is how deals die quietly.
    "outreach_unanswered": (-0.4, "engagement"),
    # A competitor's price is on the table: pressure on price or scope, rarely fatal alone.
    "price_comparison": (-0.2, "competition"),
    # The customer gave time on the calendar: a commitment of their own.
    "meeting_booked": (0.3, "momentum"),
}

# The interval around the estimate, in log-odds either side: how far the authored weights and
# the baseline could be off, by confidence, plus a step for every piece of evidence that is
# unknown because its input is missing (it could fall either way; it does not lower the value).
HALF_WIDTH: dict[Level, float] = {"high": 0.3, "medium": 0.5, "low": 0.8}
UNKNOWN_STEP = 0.25
MAX_UNKNOWN_WIDTH = 1.5

# Risk signals scale with their severity; positive signals are always reported as "low".
SEVERITY_SCALE: dict[Severity, float] = {"low": 0.5, "medium": 1.0, "high": 1.25, "critical": 1.5}
OVERLAP_DISCOUNT = 0.5


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _clamp(p: float) -> float:
    return min(CEILING, max(FLOOR, p))


def _live_values(ctx: DealContext, model: WinModel) -> dict[str, str | float | None]:
    """The live deal's fields under the history columns they were mapped to."""
    deal, account = ctx.deal, ctx.deal.account
    fields: dict[str, str | float | None] = {
        "industry": account.industry,
        "amount": deal.amount,
        "employees": account.employees,
        "annual_revenue": account.annual_revenue,
        "region": account.region,
        "owner": deal.owner.name,
        "product": deal.products[0] if deal.products else None,
    }
    values: dict[str, str | float | None] = {}
    for num in model.numeric:
        raw = fields.get(num.live) if num.live else None
        values[num.column] = raw * num.live_scale if isinstance(raw, int | float) else None
    for cat in model.categorical:
        values[cat.column] = fields.get(cat.live) if cat.live else None
    return values


def _fitted_baseline(
    ctx: DealContext, model: WinModel | None, notes: list[str]
) -> tuple[float, int] | None:
    if model is None:
        return None
    if not model.fitted or model.calibrated_on < MIN_FITTED_DEALS:
        notes.append(
            f"the history model has {model.calibrated_on} closed deals (fewer than "
            f"{MIN_FITTED_DEALS}), so it was not used"
        )
        return None
    if ctx.deal.stage.lower() not in {s.lower() for s in model.live_stages}:
        notes.append(f"the history model does not describe deals at stage {ctx.deal.stage}")
        return None
    return model.predict(_live_values(ctx, model)), model.calibrated_on


def _baseline(
    ctx: DealContext, analysis: Analysis, model: WinModel | None, notes: list[str]
) -> tuple[float, BaselineSource, str | None, int | None, str]:
    """(baseline, source, citation, sample behind it, how it was found)."""
    fitted = _fitted_baseline(ctx, model, notes)
    if fitted is not None:
        assert model is not None
        p, n = fitted
        return p, "fitted", None, n, f"history model fitted on {n} closed deals"
    stage = ctx.deal.stage.lower()
    if ctx.analytics:
        for i, conv in enumerate(ctx.analytics.stage_conversion):
            if conv.stage.lower() != stage:
                continue
            if conv.sample >= MIN_CONVERSION_SAMPLE:
                how = f"{conv.sample} past deals from {conv.stage}"
                return (
                    conv.to_win,
                    "analytics",
                    f"analytics.stage_conversion[{i}]",
                    conv.sample,
                    how,
                )
            notes.append(
                f"analytics has only {conv.sample} deals for {conv.stage} "
                f"(fewer than {MIN_CONVERSION_SAMPLE}), so its rate was not used"
            )
    if ctx.process:
        index = ctx.process.index(ctx.deal.stage)
        standard = ctx.process.stages[index].win_probability if index is not None else None
        if standard is not None:
            return standard, "process", f"process.stages[{index}]", None, "the process standard"
    phase = analysis.phase
    prior = PHASE_PRIORS[phase] if phase else UNKNOWN_PHASE_PRIOR
    how = f"the authored prior for the {phase} phase" if phase else "the authored default prior"
    return prior, "prior", analysis.stage_ref or "deal.stage", None, how


def _weight(signal: Signal) -> float | None:
    entry = SIGNAL_WEIGHTS.get(signal.id)
    if entry is None:
        return None
    weight = entry[0]
    return weight * SEVERITY_SCALE[signal.severity] if weight < 0 else weight


def _factors(analysis: Analysis) -> list[FactorContribution]:
    """One contribution per weighted signal; overlapping ones (same group and sign) halved."""
    weighted = [(s, w) for s in analysis.signals if (w := _weight(s)) is not None]
    weighted.sort(key=lambda sw: (-abs(sw[1]), sw[0].id))
    leaders: dict[tuple[str, bool], str] = {}
    factors: list[FactorContribution] = []
    for signal, weight in weighted:
        key = (SIGNAL_WEIGHTS[signal.id][1], weight > 0)
        detail = signal.detail
        if key in leaders:
            weight *= OVERLAP_DISCOUNT
            detail += f" (counted half: overlaps with {leaders[key]})"
        else:
            leaders[key] = signal.id
        factors.append(
            FactorContribution(
                factor=signal.id,
                label=signal.label,
                log_odds=round(weight, 3),
                detail=detail,
                citations=list(signal.citations),
            )
        )
    return sorted(factors, key=lambda f: (-abs(f.log_odds), f.factor))


def _confidence(source: BaselineSource, sample: int | None, adjustment: float) -> Level:
    if source == "prior":
        return "low"
    measured = source in ("analytics", "fitted") and (sample or 0) >= HIGH_CONFIDENCE_SAMPLE
    return "high" if measured and abs(adjustment) <= MAX_LIGHT_ADJUSTMENT else "medium"


def _explain(
    baseline: float,
    how: str,
    value: float,
    factors: list[FactorContribution],
    confidence: Level,
    notes: list[str],
    interval: tuple[float, float],
) -> str:
    parts = [f"Baseline {baseline:.0%} from {how}."]
    if factors:
        listed = ", ".join(f"{f.label.lower()} {f.log_odds:+.2f}" for f in factors)
        parts.append(f"Evidence (log-odds) moves it to {value:.0%}: {listed}.")
    else:
        parts.append("No weighted signal fired, so the estimate is the baseline.")
    if value in (FLOOR, CEILING):  # only the bound that held: the other is in no input
        bound = "floor" if value == FLOOR else "ceiling"
        parts.append(f"Held at {value:.0%}, the model's {bound}: no deal is certain either way.")
    parts.append(f"Plausible range {interval[0]:.0%}-{interval[1]:.0%}.")
    parts += [opening(n) + "." for n in notes]
    reason = {
        "low": "the baseline is an authored prior, not your history",
        "medium": "the evidence weights are authored, not fitted on your outcomes",
        "high": "a large measured baseline, only lightly adjusted",
    }[confidence]
    parts.append(f"Confidence {confidence}: {reason}.")
    return " ".join(parts)


def estimate_win_probability(
    ctx: DealContext, analysis: Analysis, model: WinModel | None = None
) -> WinProbability:
    """The deal's chance of winning, with each factor's signed contribution and its citations.
    A closed deal is not estimated: it is won (100%) or lost (0%), as its stage says."""
    if analysis.closure is not None:
        return _closed(analysis.closure)
    notes: list[str] = []
    raw, source, citation, sample, how = _baseline(ctx, analysis, model, notes)
    baseline = _clamp(raw)
    factors = _factors(analysis)
    adjustment = sum(f.log_odds for f in factors)
    value = _clamp(_sigmoid(_logit(baseline) + adjustment))
    confidence = _confidence(source, sample, adjustment)
    name = MODEL_NAME + (
        f" + {model.name} v{model.version}" if source == "fitted" and model else ""
    )
    width = HALF_WIDTH[confidence] + min(MAX_UNKNOWN_WIDTH, UNKNOWN_STEP * len(analysis.unknown))
    low = _clamp(_sigmoid(_logit(value) - width))
    high = _clamp(_sigmoid(_logit(value) + width))
    if analysis.unknown:
        notes.append(
            f"{len(analysis.unknown)} piece(s) of evidence are not known because their input is "
            f"missing ({', '.join(n.replace('_', ' ') for n in analysis.unknown[:4])}): they widen "
            "the range instead of lowering the estimate"
        )
    return WinProbability(
        value=value,
        low=low,
        high=high,
        baseline=baseline,
        baseline_source=source,
        baseline_citation=citation,
        factors=factors,
        confidence=confidence,
        model=name,
        calibrated_on=sample if source == "fitted" else None,
        explanation=_explain(baseline, how, value, factors, confidence, notes, (low, high)),
    )


def _closed(closure: Closure) -> WinProbability:
    value = 1.0 if closure.outcome == "won" else 0.0
    return WinProbability(
        value=value,
        low=value,
        high=value,
        baseline=value,
        baseline_source="process",
        baseline_citation=closure.ref,
        confidence="high",
        model=MODEL_NAME,
        explanation=f"{value:.0%}: {closure.reason}; a closed deal's outcome is known, not "
        "estimated.",
    )


__all__ = [
    "MIN_CONVERSION_SAMPLE",
    "MIN_FITTED_DEALS",
    "PHASE_PRIORS",
    "SIGNAL_WEIGHTS",
    "estimate_win_probability",
]
