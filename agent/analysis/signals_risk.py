"""The risk agent's signal: an overall risk rated high or critical, with its serious
factors, kept apart because it is the one deal signal an upstream agent decides.

The rule registers itself with agent.analysis.signals (`@rule`).
"""

from __future__ import annotations

from agent.analysis.model import Signal
from agent.analysis.signals import Facts, make_signal, rule


@rule
def _high_risk(f: Facts) -> Signal | None:
    risk = f.ctx.risk
    if risk is None or risk.overall_severity not in ("high", "critical"):
        return None
    serious = [i for i, r in enumerate(risk.factors) if r.severity in ("high", "critical")]
    top = "; ".join(risk.factors[i].description.rstrip(".") for i in serious[:3])
    detail = f"the deal risk agent rates overall risk {risk.overall_severity}"
    return make_signal(
        "high_risk",
        risk.overall_severity,
        detail + (f": {top}" if top else ""),
        ["risk.overall_severity", *[f"risk.factors[{i}]" for i in serious]],
    )
