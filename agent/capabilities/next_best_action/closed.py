"""Next best action for a closed deal: what fits a deal already won or lost, never "advance it".

A won deal is handed over to onboarding, debriefed and looked at for expansion; a lost deal
gets a loss review and a dated reminder to re-engage. Each action cites the stage field that
says the deal is closed; nothing here is estimated from sales signals, which describe an open
deal.
"""

from __future__ import annotations

from agent.analysis.closure import Closure
from agent.analysis.model import Analysis
from agent.capabilities.common.closed_deal import Spec, closed_steps
from agent.capabilities.next_best_action.contract import (
    DealSnapshot,
    Effort,
    NextBestActionResult,
    ProbabilityEstimate,
    RationaleItem,
    RecommendedAction,
)
from agent.contracts.context import DealContext
from agent.contracts.probability import WinProbability
from agent.formatting import opening


def _action(spec: Spec, closure: Closure, cites: list[str], owner: str) -> RecommendedAction:
    play_id, title, steps, outcome, criteria, timing, level, hours = spec
    return RecommendedAction(
        play_id=play_id,
        title=title,
        score=0.0,
        steps=steps,
        timing=timing,
        timing_reason=closure.reason,
        expected_outcome=outcome,
        success_criteria=criteria,
        why_it_matters=f"{opening(closure.reason)}: there is nothing "
        "left to advance; what is left is what the outcome teaches and what comes next.",
        if_not_feasible="Write down the outcome and its reasons in the CRM at least.",
        effort=Effort(level=level, hours=hours, who=[owner]),
        probability=ProbabilityEstimate(
            value=None,
            base=None,
            method="closed_deal",
            explanation=f"not estimated: {closure.reason}, and this step is the selling team's own",
            citations=cites,
        ),
        rationale=[
            RationaleItem(
                signal="deal_closed", weight=1.0, statement=closure.reason, citations=cites
            )
        ],
        citations=cites,
    )


def recommend_closed(
    ctx: DealContext,
    snapshot: DealSnapshot,
    closure: Closure,
    analysis: Analysis,
    max_alternatives: int,
    win: WinProbability | None,
) -> NextBestActionResult:
    """What to do with a closed deal, citing the stage that closed it."""
    cites = list(dict.fromkeys([closure.ref, *filter(None, [analysis.stage_entered_ref])]))
    owner = ctx.deal.owner.name
    actions = [_action(spec, closure, cites, owner) for spec in closed_steps(closure)]
    alternatives = [
        a.model_copy(update={"when_to_choose": f"when {actions[0].title.lower()} is done"})
        for a in actions[1 : 1 + max_alternatives]
    ]
    return NextBestActionResult(
        snapshot=snapshot,
        primary=actions[0],
        alternatives=alternatives,
        strategy=f"No selling step applies: {closure.reason}.",
        strategy_citations=cites,
        win_probability=win,
    )
