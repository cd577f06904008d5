"""The competitive plan: one per competitor on the deal, from the battle card
common/card_vetting.py vets (stale cards, unsourced figures, competitors with no card).

The pre-call brief shows the same plans, so they are built here, apart from the deal
strategy's builder, and a brief imports no more of the deal strategy than this.
"""

from __future__ import annotations

from collections.abc import Mapping

from agent.analysis.model import Analysis
from agent.capabilities.common.competition import competitor_view
from agent.capabilities.deal_strategy.contract import CompetitivePlan
from agent.contracts.context import DealContext
from knowledge.documents import Document

POSITION_STRATEGY = {
    "leading": "Defend the lead: keep the criteria where we win and close before it reopens",
    "even": "Differentiate: make the decision about the criteria where they are weakest",
    "trailing": "Change the game: reframe the criteria around the customer's outcome and prove it",
    "unknown": "Find out where we stand with the champion before choosing how to compete",
}


def competition_plans(
    ctx: DealContext, knowledge: Mapping[str, Document], analysis: Analysis | None = None
) -> list[CompetitivePlan]:
    """One plan per competitor on the deal, from the card common/card_vetting.py vets (stale
    and unsourced lines flagged or left out); a competitor with no card gets what to find out,
    never positioning. With the analysis, the card's age is judged on its date and claims read
    in the deal's notes are listed to verify."""
    position = ctx.qualification.competitive_position if ctx.qualification else "unknown"
    as_of, reading = (analysis.as_of, analysis.reading) if analysis else (None, None)
    plans = []
    for name in ctx.deal.competitors:
        view = competitor_view(name, ctx, knowledge, as_of, reading)
        card = view.card
        cites = [f"deal.competitors[{ctx.deal.competitors.index(name)}]"]
        if position != "unknown":
            cites.append("qualification.competitive_position")
        if card:
            cites += card.cite("landmines", "traps", "talking_points")
        plans.append(
            CompetitivePlan(
                competitor=name,
                position=position,
                strategy=view.no_card.statement if view.no_card else POSITION_STRATEGY[position],
                landmines=card.items("landmines") if card else [],
                traps_to_defuse=card.items("traps") if card else [],
                talking_points=card.items("talking_points") if card else [],
                card=card.origin if card else None,
                last_verified=card.verified_text if card else None,
                cautions=view.cautions,
                to_find_out=list(view.no_card.questions) if view.no_card else [],
                citations=list(dict.fromkeys([*cites, *view.citations])),
            )
        )
    return plans
