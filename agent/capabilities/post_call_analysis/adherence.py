"""Progress the call made on the stage's exit criteria, its required activities and the
methodology: the debrief's adherence checks.

Kept apart from the patch (record.py) and the new information (new_information.py): it
compares the analysis before the call with the analysis once the call is recorded.
"""

from __future__ import annotations

from agent.analysis.model import Analysis
from agent.capabilities.post_call_analysis.contract import AdherenceCheck
from agent.contracts.context import DealContext
from agent.contracts.conversation_metrics import ConversationMetrics, MeddiccElement

from .record import gaps_by_element
from .review import u_ref

# Exit-criterion checks a call can evidence by what was said, through the MEDDICC element
# the conversation rules detect; the rest are judged on the patched record alone.
CHECK_ELEMENT: dict[str, MeddiccElement] = {
    "pain_confirmed": "identify_pain",
    "champion_identified": "champion",
    "economic_buyer_identified": "economic_buyer",
    "decision_criteria_known": "decision_criteria",
    "decision_process_known": "decision_process",
}


def adherence(
    analysis: Analysis,
    after: Analysis,
    m: ConversationMetrics,
    ctx: DealContext,
    activity_type: str,
) -> list[AdherenceCheck]:
    evidenced = {ev.element: ev for ev in m.methodology if ev.evidenced}
    out = []
    for c in (c for c in analysis.exit_criteria if c.stage == analysis.stage):
        element = CHECK_ELEMENT.get(_check_of(ctx, analysis, c.id) or "")
        said = evidenced.get(element) if element else None
        after_met = next((x.met for x in after.exit_criteria if x.id == c.id), None)
        if c.met:
            status, detail = "already_met", "met before the call"
        elif after_met or said:
            status = "advanced"
            detail = "met with the call recorded" if after_met else "evidenced in the call"
        else:
            status, detail = "not_advanced", "still open after the call"
        out.append(
            AdherenceCheck(
                kind="exit_criterion",
                id=c.id,
                description=c.description,
                status=status,  # type: ignore[arg-type]
                detail=detail,
                citations=[c.ref] + ([u_ref(i) for i in said.indices[:2]] if said else []),
            )
        )
    out.extend(_required_activities(ctx, analysis, activity_type))
    gaps = gaps_by_element(analysis)
    for ev in m.methodology:
        gap = gaps.get(ev.element)
        if gap is None and not ev.evidenced:
            continue
        status = "already_met" if gap is None else "advanced" if ev.evidenced else "not_advanced"
        out.append(
            AdherenceCheck(
                kind="methodology",
                id=ev.element,
                description=ev.label,
                status=status,  # type: ignore[arg-type]
                detail=ev.rule,
                citations=[u_ref(i) for i in ev.indices[:2]] + (gap.citations[:1] if gap else []),
            )
        )
    return out


def _check_of(ctx: DealContext, analysis: Analysis, criterion_id: str) -> str | None:
    stage = ctx.process.stage(analysis.stage) if ctx.process else None
    crit = next((c for c in stage.exit_criteria if c.id == criterion_id), None) if stage else None
    return crit.check if crit else None


def _required_activities(
    ctx: DealContext, analysis: Analysis, activity_type: str
) -> list[AdherenceCheck]:
    stage = ctx.process.stage(analysis.stage) if ctx.process else None
    if stage is None or analysis.stage_ref is None:
        return []
    out = []
    for i, r in enumerate(stage.required_activities):
        if activity_type in r.activity_types:
            out.append(
                AdherenceCheck(
                    kind="required_activity",
                    id=r.id,
                    description=r.description,
                    status="advanced",
                    detail=f"this {activity_type} counts as one",
                    citations=[f"{analysis.stage_ref}.required_activities[{i}]"],
                )
            )
    return out
