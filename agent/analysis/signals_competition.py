"""Signals about the competition: a competitor in the deal, a bake-off (several
vendors, an even or trailing position, or a tender the customer must run) and a competitor
compared with us on price.

The rules register themselves with agent.analysis.signals (`@rule`).
"""

from __future__ import annotations

from agent.analysis.model import Signal
from agent.analysis.signals import Facts, make_signal, plural, rule
from agent.contracts.base import Severity
from agent.reading.constraint_details import bidders_in


@rule
def _competitor(f: Facts) -> Signal | None:
    comps = f.ctx.deal.competitors
    if not comps:
        return None
    return make_signal(
        "competitor_present",
        "low",
        "competing against " + ", ".join(comps),
        [f"deal.competitors[{i}]" for i in range(len(comps))],
    )


@rule
def _bakeoff(f: Facts) -> Signal | None:
    """Two or more vendors, or an even or trailing position; or a tender the customer must run,
    which invites other vendors by construction (high when it asks for three offers or more)."""
    comps = f.ctx.deal.competitors
    position = f.ctx.qualification.competitive_position if f.ctx.qualification else "unknown"
    tenders = [c for c in f.reading.of("constraint") if c.constraint == "tender"]
    if tenders and (not comps or (len(comps) < 2 and position not in ("even", "trailing"))):
        bidders = max((bidders_in(t.quote) or 0 for t in tenders), default=0)
        return make_signal(
            "competitive_bakeoff",
            "high" if bidders >= 3 or position == "trailing" else "medium",
            f"the customer must buy through a competitive process: {tenders[0].quote}",
            [
                *dict.fromkeys(t.ref for t in tenders),
                *(f"deal.competitors[{i}]" for i in range(len(comps))),
            ],
        )
    if not comps or (len(comps) < 2 and position not in ("even", "trailing")):
        return None
    cites = [f"deal.competitors[{i}]" for i in range(len(comps))]
    detail = (
        f"{plural(len(comps), 'competitor', 'competitors')} in the evaluation: {', '.join(comps)}"
    )
    if position in ("even", "trailing"):
        detail += f"; our position is assessed as {position}"
        cites.append("qualification.competitive_position")
    severity: Severity = "high" if position == "trailing" or len(comps) >= 2 else "medium"
    return make_signal("competitive_bakeoff", severity, detail, cites)


@rule
def _price_comparison(f: Facts) -> Signal | None:
    claims = [c for c in f.reading.of("comparison") if c.claim == "price"]
    if not claims:
        return None
    # The figure and the words stay in the cited note: a price heard second-hand is a claim to
    # verify (capabilities/common/card_vetting.py says so), not a fact to repeat in a factor.
    who = claims[0].competitor or "a competitor"
    return make_signal(
        "price_comparison",
        "medium",
        f"{who} is compared with us on price in the record",
        list(dict.fromkeys(c.ref for c in claims)),
    )
