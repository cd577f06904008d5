"""Deal strategy: win themes, competitive plan, risks to retire in order, a dated mutual action
plan to signature and the closing plan; also the guidance event for a deal acceleration agent.

Dates are computed from today and the expected close; risks are ordered by what blocks the
next stage first, then by severity. Competitive material comes from the competitive agent's
battle cards when they exist, else from the shipped battle cards in knowledge, vetted by
common/competition.py (stale cards, unsourced figures, competitors with no card).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis, Signal
from agent.capabilities.common.competition import competitor_view
from agent.capabilities.common.playbook import deal_values, fill, list_items
from agent.capabilities.common.remedies import remedy
from agent.capabilities.deal_strategy.closed import closed_strategy
from agent.capabilities.deal_strategy.contract import (
    CompetitivePlan,
    DealStrategyResult,
    PlanStep,
    RiskToRetire,
    WinTheme,
)
from agent.capabilities.deal_strategy.timeline import (
    PAPER_LEAD_DAYS,
    Gate,
    Step,
    gate_of,
    is_done,
    kind_of,
    schedule,
    step_from,
)
from agent.contracts.context import DealContext
from agent.contracts.events import ClosingStrategyGuidance
from agent.contracts.probability import WinProbability
from agent.formatting import shorten
from knowledge.documents import Document
from knowledge.plays import Play

# What blocks signature first comes first; positive or purely informational signals are not risks.
RISK_ORDER = (
    "stage_ahead_of_evidence",
    "economic_buyer_unknown",
    "economic_buyer_not_engaged",
    "no_champion",
    "champion_gone_quiet",
    "outreach_unanswered",
    "blocker_present",
    "negative_sentiment",
    "single_threaded",
    "buying_constraint",
    "pain_unconfirmed",
    "value_case_missing",
    "budget_unconfirmed",
    "decision_process_unknown",
    "decision_criteria_unknown",
    "competitive_bakeoff",
    "price_comparison",
    "high_risk",
    "mutual_plan_missing",
    "procurement_not_engaged",
    "legal_not_started",
    "close_date_passed",
    "close_date_slipped",
    "stage_overdue",
    "no_recent_activity",
    "activity_cadence_dropping",
    "no_next_step",
)
# Risks no play requires on its own: what a coach would ask for.
FALLBACK_ACTIONS = {
    "high_risk": "Review the risk agent's factors with your manager and give each an owner",
    "stage_overdue": "Agree with the champion what must be true to leave this stage, and when",
    "close_date_near": "Check every remaining milestone fits before the close date",
    "competitive_bakeoff": "Lay the landmines below before the next evaluation meeting",
    "activity_cadence_dropping": "Put a dated meeting in the diary with the champion this week",
}
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
# Exit-criterion evidence -> which customer role owns the milestone.
CHECK_OWNER_ROLE = {
    "procurement_engaged": "procurement",
    "legal_review_started": "legal",
    "value_case_validated": "economic_buyer",
    "budget_confirmed": "economic_buyer",
    "economic_buyer_engaged": "economic_buyer",
    "technical_validation_done": "technical_evaluator",
}
POSITION_STRATEGY = {
    "leading": "Defend the lead: keep the criteria where we win and close before it reopens",
    "even": "Differentiate: make the decision about the criteria where they are weakest",
    "trailing": "Change the game: reframe the criteria around the customer's outcome and prove it",
    "unknown": "Find out where we stand with the champion before choosing how to compete",
}


def _themes(ctx: DealContext) -> list[WinTheme]:
    themes: list[WinTheme] = []
    if ctx.discovery:
        for i, pain in enumerate(ctx.discovery.pains):
            if pain.confirmed:
                themes.append(
                    WinTheme(
                        theme=f"Solve: {pain.description}",
                        evidence=pain.impact or "confirmed by the customer",
                        citations=[f"discovery.pains[{i}]"],
                    )
                )
        for i, crit in enumerate(ctx.discovery.decision_criteria):
            if crit.our_position == "strong":
                themes.append(
                    WinTheme(
                        theme=f"Lead on {crit.name}",
                        evidence=f"{crit.weight} weight, our position strong",
                        citations=[f"discovery.decision_criteria[{i}]"],
                    )
                )
    if ctx.value:
        for i, driver in enumerate(ctx.value.value_drivers):
            themes.append(
                WinTheme(
                    theme=f"Deliver {driver.name}",
                    evidence=driver.metric or "in the value case",
                    citations=[f"value.value_drivers[{i}]"],
                )
            )
    if ctx.argumentation and ctx.argumentation.core_message:
        themes.append(
            WinTheme(
                theme=ctx.argumentation.core_message,
                evidence="the agreed core message",
                citations=["argumentation.core_message"],
            )
        )
    return themes[:5]


def competition_plans(
    ctx: DealContext, knowledge: Mapping[str, Document], analysis: Analysis | None = None
) -> list[CompetitivePlan]:
    """One plan per competitor on the deal, from the card common/competition.py vets (stale
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


def _risk_rank(signal: Signal) -> tuple[int, int]:
    """Risks in the order a coach retires them; a constraint that stops the deal (a freeze, or
    a review that ends after the close date: high) comes before everything, one that only has
    to be planned for (medium) after the buying group's risks."""
    if signal.id == "buying_constraint" and signal.severity in ("high", "critical"):
        return (-1, SEVERITY_RANK[signal.severity])
    return (RISK_ORDER.index(signal.id), SEVERITY_RANK[signal.severity])


def _risks(
    analysis: Analysis,
    plays: tuple[Play, ...],
    values: dict[str, str],
    start: dt.date,
    deadline: dt.date,
) -> list[RiskToRetire]:
    ranked: list[Signal] = sorted(
        (s for s in analysis.signals if s.id in RISK_ORDER and s.severity != "low"),
        key=_risk_rank,
    )
    risks = []
    for n, signal in enumerate(ranked[:8], start=1):
        play = next((p for p in plays if signal.id in p.meta.requires_any), None)
        steps = list_items(play.text("what-to-do")) if play else []
        action = (
            fill(steps[0], values)
            if steps
            else FALLBACK_ACTIONS.get(
                signal.id, "Agree an owner and a date for resolving it with your champion"
            )
        )
        by = min(start + dt.timedelta(days=3 * n), max(deadline, start + dt.timedelta(days=3)))
        risks.append(
            RiskToRetire(
                order=n,
                signal=signal.id,
                risk=f"{signal.label}: {signal.detail}",
                severity=signal.severity,
                action=action,
                by=by,
                citations=[*signal.citations, *([play.ref("what-to-do")] if play else [])],
            )
        )
    return risks


STEP_OWNER_ROLE = {
    "security_review": "technical_evaluator",
    "legal_review": "legal",
    "procurement": "procurement",
    "tender": "procurement",
    "approval": "economic_buyer",
    "signature": "economic_buyer",
}
UNTIMED = " (how long it takes is not recorded: confirm it with the customer)"


def _current_step(steps: list[str], current: str | None) -> int:
    """Index of the step the buying process is at (the ones before it are done), else 0."""
    if not current:
        return 0
    wanted = current.strip().lower()
    return next((i for i, s in enumerate(steps) if s.lower().startswith(wanted)), 0)


def _owner(analysis: Analysis, kind: str, fallback: str) -> str:
    role = STEP_OWNER_ROLE.get(kind)
    person = next((p.name for p in analysis.engagement if p.role == role), None)
    return person or fallback


def _plan(
    ctx: DealContext,
    analysis: Analysis,
    plays: tuple[Play, ...],
    values: dict[str, str],
    target: dt.date,
) -> tuple[list[PlanStep], dt.date | None]:
    """The mutual plan: what is agreed, then the steps still to come paced by how long each
    really takes (timeline.py). Returns the plan and, when the paced steps sign after the
    target date, the date they support."""
    deal = ctx.deal
    steps: list[PlanStep] = []
    if deal.mutual_action_plan:
        for i, m in enumerate(deal.mutual_action_plan.milestones):
            steps.append(
                PlanStep(
                    milestone=m.name,
                    owner=deal.person_name(m.owner),
                    due=m.due,
                    status="done" if m.done else "open",
                    citations=[f"deal.mutual_action_plan.milestones[{i}]"],
                )
            )
    facts = analysis.reading.of("constraint")
    proposed: list[Step] = []
    bp = ctx.discovery.buying_process if ctx.discovery else None
    if bp is not None and bp.known and bp.steps and not steps:
        current = _current_step(bp.steps, bp.current_step)
        for i, text in enumerate(bp.steps):  # the customer's own way of buying
            ref = f"discovery.buying_process.steps[{i}]"
            if is_done(text) or i < current:
                continue  # already behind them: nothing left to schedule
            owner = _owner(analysis, kind_of(text), deal.owner.name)
            proposed.append(step_from(text, owner, [ref], facts, ref=ref))
    elif ctx.process:
        current = ctx.process.index(deal.stage) or 0
        for s_index, stage in enumerate(ctx.process.stages[current:], start=current):
            for c_index, crit in enumerate(stage.exit_criteria):
                found = analysis.evidence.get(crit.check) if crit.check else None
                if found is None or found.met:
                    continue
                role = CHECK_OWNER_ROLE.get(crit.check or "")
                person = next((p.name for p in analysis.engagement if p.role == role), None)
                cites = [f"process.stages[{s_index}].exit_criteria[{c_index}]"]
                proposed.append(
                    step_from(crit.description, person or deal.owner.name, cites, facts)
                )
    signer = next(
        (p.name for p in analysis.engagement if p.role == "economic_buyer"),
        values["economic_buyer"],
    )
    if not any(s.kind == "signature" for s in proposed) and not any(
        "sign" in s.milestone.lower() for s in steps
    ):
        proposed.append(step_from("Contract signed", signer, ["deal.expected_close"], facts))
    dated = schedule(proposed, analysis.as_of)
    signs = max((d.due for d in dated), default=None)
    for d in dated:
        timed = d.step.weeks is not None or d.step.kind == "signature"
        due = max(d.due, target) if d.step.kind == "signature" else d.due  # never pulled forward
        steps.append(
            PlanStep(
                milestone=d.step.name + ("" if timed else UNTIMED),
                owner=d.step.owner,
                due=due,
                status="proposed",
                citations=list(d.step.citations),
            )
        )
    gate = gate_of(facts, analysis.as_of)
    if gate is not None and _gated(steps, gate, analysis, values, signer):
        signs = max(signs or gate.signs_from, gate.signs_from)
    return steps, signs if signs is not None and signs > target else None


QUOTES = "\"'“”‘’ "
_SIGN = re.compile(r"\bsign(?:ature|ed|ing|s)?\b|\bcountersign", re.I)


def _gated(
    steps: list[PlanStep],
    gate: Gate,
    analysis: Analysis,
    values: dict[str, str],
    signer: str,
) -> bool:
    """Signature moved after a dated gate it came before (a board that sits after the planned
    signature, a freeze that ends after it), with the gate and, for a committee, its paper put
    in the plan before it. An agreed date that cannot hold is kept in the milestone's words,
    so the rep resets it with the customer rather than finding it silently changed. False
    when the plan already signs after the gate."""
    at = next((i for i in reversed(range(len(steps))) if _SIGN.search(steps[i].milestone)), None)
    if at is None or steps[at].status == "done" or steps[at].due >= gate.signs_from:
        return False
    sign = steps[at]
    before = [
        PlanStep(
            milestone=f'{gate.label}: "{shorten(gate.quote.strip(QUOTES), 140)}"',
            owner=signer,
            due=gate.on,
            status="proposed",
            citations=[gate.ref],
        )
    ]
    if gate.kind == "approval":
        paper = max(analysis.as_of, gate.on - dt.timedelta(days=PAPER_LEAD_DAYS))
        before.insert(
            0,
            PlanStep(
                milestone="Approval paper submitted (about a week before the session: confirm "
                "the deadline with the customer)",
                owner=values["champion"],
                due=paper,
                status="proposed",
                citations=[gate.ref],
            ),
        )
    moved = sign.model_copy(
        update={
            "milestone": f"{sign.milestone} (planned for {sign.due.isoformat()}, before the "
            f"gate on {gate.on.isoformat()}: moved after it)"
            if sign.status == "open"
            else sign.milestone,
            "due": gate.signs_from,
            "status": "proposed",
            "citations": list(dict.fromkeys([*sign.citations, gate.ref])),
        }
    )
    steps[at : at + 1] = [*before, moved]
    return True


def build_strategy(
    ctx: DealContext,
    analysis: Analysis,
    plays: tuple[Play, ...],
    knowledge: Mapping[str, Document],
    win: WinProbability,
) -> DealStrategyResult:
    """The plan to close an open deal; a closed one gets what fits its outcome (closed.py)."""
    if analysis.closure is not None:
        return closed_strategy(ctx, analysis, analysis.closure, win, _themes(ctx))
    values = deal_values(ctx, analysis)
    today = analysis.as_of
    passed = ctx.deal.expected_close < today
    # A close date already past is reset to three weeks out, the span a reset usually needs.
    target = today + dt.timedelta(days=21) if passed else ctx.deal.expected_close
    risks = _risks(analysis, plays, values, today, target)
    plan, realistic = _plan(ctx, analysis, plays, values, target)
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
        win_themes=_themes(ctx),
        competition=competition_plans(ctx, knowledge, analysis),
        risks=risks,
        mutual_action_plan=plan,
        closing_plan=closing,
        guidance=guidance,
        citations=cites,
        limitations=limitations_for(ctx),
    )
