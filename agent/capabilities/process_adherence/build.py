"""Process adherence: the deal's steps (steps.py) summed up: the score, the corrections in
order, legitimate flexibility, the rep's pattern across deals and the insight for process
improvement.

A step skipped with a recorded reason is a waiver; an optional step the customer did not need
is flexibility, never a violation. A step that is not known is asked about, never scored.
"""

from __future__ import annotations

from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis
from agent.capabilities.common.remedies import skill_for
from agent.capabilities.process_adherence.contract import (
    OutcomeLink,
    ProcessAdherenceResult,
    RepPattern,
    StepCheck,
)
from agent.capabilities.process_adherence.steps import UNKNOWN_FIX, ProcessInUse, check_steps
from agent.contracts.context import DealContext
from agent.contracts.events import ProcessImprovementInsight
from agent.contracts.upstream import ProcessStandards
from knowledge.plays import Play

__all__ = ["ProcessInUse", "assess", "check_steps", "rep_pattern", "score", "skipped_stages"]


def score(steps: list[StepCheck]) -> float:
    judged = [s for s in steps if s.status in ("done", "waived", "missed")]
    ok = sum(s.status in ("done", "waived") for s in judged)
    return round(ok / len(judged), 3) if judged else 1.0


def skipped_stages(ctx: DealContext, process: ProcessStandards) -> list[str]:
    current = process.index(ctx.deal.stage)
    if current is None or not ctx.deal.stage_history:
        return []
    seen = {h.stage.lower() for h in ctx.deal.stage_history}
    return [s.name for s in process.stages[:current] if s.name.lower() not in seen]


def rep_pattern(
    rep_id: str, rep_name: str, deals: list[tuple[str, list[StepCheck]]]
) -> RepPattern | None:
    if len(deals) < 2:
        return None
    missed_in: dict[str, int] = {}
    for _, steps in deals:
        for step_id in {s.step_id for s in steps if s.status == "missed"}:
            missed_in[step_id] = missed_in.get(step_id, 0) + 1
    often = sorted(k for k, n in missed_in.items() if n >= 2 and n * 2 >= len(deals))
    return RepPattern(
        rep_id=rep_id,
        rep_name=rep_name,
        deals=len(deals),
        adherence=round(sum(score(s) for _, s in deals) / len(deals), 3),
        often_missed=often,
        deal_ids=[d for d, _ in deals],
    )


def _outcomes(ctx: DealContext, steps: list[StepCheck]) -> list[OutcomeLink]:
    if ctx.analytics is None:
        return []
    ids = {s.step_id for s in steps}
    return [
        OutcomeLink(
            step_id=r.action,
            win_rate_with=r.win_rate_with,
            win_rate_without=r.win_rate_without,
            sample=r.sample,
            citations=[f"analytics.win_rates_by_action[{i}]"],
        )
        for i, r in enumerate(ctx.analytics.win_rates_by_action)
        if r.action in ids and r.win_rate_with is not None and r.win_rate_without is not None
    ]


def assess(
    ctx: DealContext,
    analysis: Analysis,
    process: ProcessInUse,
    plays: tuple[Play, ...],
    rep_deals: list[tuple[str, list[StepCheck]]],
) -> ProcessAdherenceResult:
    steps = check_steps(ctx, analysis, process, plays)
    skipped = skipped_stages(ctx, process.standard)
    missed = [s for s in steps if s.status == "missed"]
    open_now = [s for s in steps if s.status == "open"]
    flexibility = [f"{s.description}: waived, {s.reason}" for s in steps if s.status == "waived"]
    flexibility += [
        f"{s.description}: optional in the process and not needed here"
        for s in steps
        if s.status == "optional_skipped"
    ]
    grouped: dict[str, list[StepCheck]] = {}
    for s in [*missed, *open_now]:
        fix = s.correction or (
            "Hold it now, or record a process exception saying why the customer did not need it"
        )
        grouped.setdefault(fix, []).append(s)
    for s in [s for s in steps if s.status == "done" and s.correction]:  # held, not logged
        grouped.setdefault(s.correction or "", []).append(s)
    for s in [s for s in steps if s.status == "unknown"]:
        grouped.setdefault(s.correction or UNKNOWN_FIX, []).append(s)
    corrections = [
        f"{'; '.join(f'{s.stage}: {s.description}' for s in group)}. {fix}"
        for fix, group in grouped.items()
    ]
    pattern = rep_pattern(ctx.deal.owner.id, ctx.deal.owner.name, rep_deals)
    check_of = {c.id: c.check for st in process.standard.stages for c in st.exit_criteria}
    focus_steps = [s for s in missed if not pattern or s.step_id in pattern.often_missed] or missed
    coaching = list(
        dict.fromkeys(
            f"{s.description} (practice: kb:{skill_for(check_of.get(s.step_id))})"
            for s in focus_steps
        )
    )
    suggestions = []
    if pattern and pattern.often_missed:
        suggestions.append(
            f"{ctx.deal.owner.name} misses {', '.join(pattern.often_missed)} in "
            f"at least half of {pattern.deals} deals: coach the habit"
        )
    suggestions += [
        f"{s.step_id} was waived ({s.reason}): check whether it should be optional "
        "for deals like this"
        for s in steps
        if s.status == "waived"
    ]
    suggestions += [
        f"{name} was skipped on the way to {ctx.deal.stage}: check whether the "
        "stage is needed or being bypassed"
        for name in skipped
    ]
    insight = ProcessImprovementInsight(
        process=process.standard.name,
        stage=ctx.deal.stage,
        missed_steps=[s.step_id for s in missed],
        waived_steps=[s.step_id for s in steps if s.status == "waived"],
        skipped_stages=skipped,
        rep_id=ctx.deal.owner.id,
        rep_pattern=pattern.often_missed if pattern else [],
        suggestions=suggestions,
    )
    limitations = limitations_for(ctx)
    if (gap := analysis.record_gap) is not None:
        whose = f", kept by {gap.holder}" if gap.holder else ""
        limitations.append(
            f"The record's history before {gap.until.isoformat()} is missing{whose} "
            f'("{gap.quote}"): steps of earlier stages without evidence are not known, not '
            "missed."
        )
    if process.source == "knowledge_default":
        limitations.append(
            "No process standards came with this deal: it is checked against "
            f"the default stage model ({process.standard.name})."
        )
    return ProcessAdherenceResult(
        process=process.standard.name,
        process_source=process.source,
        stage=ctx.deal.stage,
        score=score(steps),
        steps=steps,
        skipped_stages=skipped,
        flexibility=flexibility,
        corrections=corrections,
        outcomes=_outcomes(ctx, steps),
        rep_pattern=pattern,
        coaching_focus=coaching,
        insight=insight,
        citations=[
            f"kb:{skill_for(check_of.get(s.step_id))}#practice-exercises" for s in focus_steps
        ],
        limitations=limitations,
    )
