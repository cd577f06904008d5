"""Deal strategy for a closed deal: the outcome as the stage says it, no plan to close.

Risks to retire, a mutual plan to signature and a competitive plan are for an open deal; a
closed one keeps what its record grounds (the win themes: why it was bought) and the steps that
fit its outcome (common/closed_deal.py).
"""

from __future__ import annotations

from agent.analysis.closure import Closure
from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis
from agent.capabilities.common.closed_deal import closed_steps
from agent.capabilities.deal_strategy.contract import DealStrategyResult, WinTheme
from agent.contracts.context import DealContext
from agent.contracts.events import ClosingStrategyGuidance
from agent.contracts.probability import WinProbability
from agent.formatting import opening


def closed_strategy(
    ctx: DealContext,
    analysis: Analysis,
    closure: Closure,
    win: WinProbability,
    themes: list[WinTheme],
) -> DealStrategyResult:
    """What is left to do with a deal already won or lost, citing the stage that says so."""
    reason = opening(closure.reason)
    plan = [f"{reason}: nothing is left to close"]
    plan += [f"{title}: {steps[0]}" for _, title, steps, *_ in closed_steps(closure)]
    return DealStrategyResult(
        economic_buyer=analysis.economic_buyer.name if analysis.economic_buyer else None,
        win_probability=win,
        win_themes=themes if closure.outcome == "won" else [],
        competition=[],
        risks=[],
        mutual_action_plan=[],
        closing_plan=plan,
        guidance=ClosingStrategyGuidance(
            stage=ctx.deal.stage,
            expected_close=ctx.deal.expected_close,
            win_probability=win.value,
            risks_in_order=[],
            next_milestones=[],
            blockers=[],
        ),
        citations=[closure.ref],
        limitations=limitations_for(ctx),
    )
