"""Deal strategy: win themes, competitive plan, risks to retire in order, a dated mutual action
plan to signature and the closing plan; also the guidance event for a deal acceleration agent.

This module puts the parts together and writes the closing plan; each part has its own module:
themes.py, competitive_plan.py (from the competitive agent's battle cards when they exist, else
the shipped ones, vetted by common/card_vetting.py), risks.py (ordered by what blocks the next
stage first, then by severity) and plan.py (paced by timeline.py). Dates are computed from
today and the expected close.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis
from agent.capabilities.common.playbook import deal_values
from agent.capabilities.common.remedies import remedy
from agent.capabilities.deal_strategy.closed import closed_strategy
from agent.capabilities.deal_strategy.competitive_plan import competition_plans
from agent.capabilities.deal_strategy.contract import DealStrategyResult
from agent.capabilities.deal_strategy.plan import QUOTES, mutual_plan
from agent.capabilities.deal_strategy.risks import risks_to_retire
from agent.capabilities.deal_strategy.themes import win_themes
from agent.capabilities.deal_strategy.timeline import gate_of
from agent.contracts.context import DealContext
from agent.contracts.events import ClosingStrategyGuidance
from agent.contracts.probability import WinProbability
from knowledge.documents import Document
from knowledge.plays import Play


def build_strategy(
    ctx: DealContext,
    analysis: Analysis,
    plays: tuple[Play, ...],
    knowledge: Mapping[str, Document],
    win: WinProbability,
) -> DealStrategyResult:
    """The plan to close an open deal; a closed one gets what fits its outcome (closed.py)."""
    if analysis.closure is not None:
        return closed_strategy(ctx, analysis, analysis.closure, win, win_themes(ctx))
    values = deal_values(ctx, analysis)
    today = analysis.as_of
    passed = ctx.deal.expected_close < today
    # A close date already past is reset to three weeks out, the span a reset usually needs.
    target = today + dt.timedelta(days=21) if passed else ctx.deal.expected_close
    risks = risks_to_retire(analysis, plays, values, today, target)
    plan, realistic = mutual_plan(ctx, analysis, values, target)
    ebs = [p.name for p in analysis.engagement if p.role == "economic_buyer"]
    procurement = [p.name for p in analysis.engagement if p.role == "procurement"]
    closing = [
        f"Retire the risks in order, starting with: {risks[0].risk}"
        if risks
        else "No open risks: keep the cadence and protect the timeline"
    ]
    if procurement:
        closing.append(f"Agree the paper process and dates with {procurement[0]}")
    closing.append(
        f"Ask for the business: confirm the signature date with "
        f"{ebs[0] if ebs else values['economic_buyer']} for {(realistic or target).isoformat()}"
    )
    closing.append("Book the kick-off before signature so the start date is shared and real")
    gate = gate_of(analysis.reading.of("constraint"), today)
    if realistic is not None and gate is not None and realistic == gate.signs_from:
        closing.insert(
            0,
            f"The close date {target.isoformat()} is not realistic: signature cannot come before "
            f'the {gate.label.lower()} on {gate.on.isoformat()} ("{gate.quote.strip(QUOTES)}"), '
            f"so {realistic.isoformat()} is the earliest. Reset the close date with "
            f"{values['champion']} now and plan the steps before it around that date",
        )
    elif realistic is not None:
        closing.insert(
            0,
            f"The close date {target.isoformat()} is not realistic: the customer's own steps put "
            f"signature on {realistic.isoformat()} at the earliest. Reset the close date with "
            f"{values['champion']} now, rather than squeezing the reviews",
        )
    if passed:
        closing.insert(
            0,
            f"The close date {ctx.deal.expected_close.isoformat()} has passed: "
            f"reset it with the customer (proposed {target.isoformat()})",
        )
    fix = remedy("mutual_action_plan_agreed", plays, values)
    cites = (
        [*(fix.citations if fix else []), *win.factors[0].citations[:1]]
        if win.factors
        else (fix.citations if fix else [])
    )
    guidance = ClosingStrategyGuidance(
        stage=ctx.deal.stage,
        expected_close=target,
        win_probability=win.value,
        risks_in_order=[r.risk for r in risks],
        next_milestones=[
            f"{s.milestone} ({s.owner}, {s.due.isoformat()})" for s in plan if s.status != "done"
        ][:3],
        blockers=[r.risk for r in risks if r.severity in ("critical", "high")],
    )
    return DealStrategyResult(
        economic_buyer=analysis.economic_buyer.name if analysis.economic_buyer else None,
        win_probability=win,
        win_themes=win_themes(ctx),
        competition=competition_plans(ctx, knowledge, analysis),
        risks=risks,
        mutual_action_plan=plan,
        closing_plan=closing,
        guidance=guidance,
        citations=cites,
        limitations=limitations_for(ctx),
    )
