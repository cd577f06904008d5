"""Which play explains a missing piece of evidence, and which skill builds the habit: the link
from a process step to the knowledge that says why it matters and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from agent.capabilities.common.playbook import fill, list_items, paragraph
from knowledge.plays import Play

CHECK_PLAYS: dict[str, str] = {
    "pain_confirmed": "play-quantify-business-value",
    "champion_identified": "play-recruit-champion",
    "economic_buyer_identified": "play-identify-economic-buyer",
    "economic_buyer_engaged": "play-engage-economic-buyer",
    "decision_criteria_known": "play-map-decision-process",
    "decision_process_known": "play-map-decision-process",
    "budget_confirmed": "play-confirm-budget",
    "demo_completed": "play-complete-exit-criteria",
    "technical_validation_done": "play-complete-exit-criteria",
    "value_case_shared": "play-quantify-business-value",
    "value_case_validated": "play-quantify-business-value",
    "proposal_sent": "play-complete-exit-criteria",
    "mutual_action_plan_agreed": "play-build-mutual-action-plan",
    "procurement_engaged": "play-engage-procurement",
    "legal_review_started": "play-start-legal-review",
    "multi_threaded": "play-multi-thread",
}
CHECK_SKILLS: dict[str, str] = {
    "pain_confirmed": "skill-discovery-questioning",
    "champion_identified": "skill-multi-threading",
    "economic_buyer_identified": "skill-executive-presence",
    "economic_buyer_engaged": "skill-executive-presence",
    "decision_criteria_known": "skill-discovery-questioning",
    "decision_process_known": "skill-discovery-questioning",
    "budget_confirmed": "skill-value-quantification",
    "demo_completed": "skill-running-demos",
    "technical_validation_done": "skill-running-demos",
    "value_case_shared": "skill-value-quantification",
    "value_case_validated": "skill-value-quantification",
    "proposal_sent": "skill-follow-up-discipline",
    "mutual_action_plan_agreed": "skill-closing-mutual-action-plans",
    "procurement_engaged": "skill-negotiation",
    "legal_review_started": "skill-negotiation",
    "multi_threaded": "skill-multi-threading",
}
ACTIVITY_SKILL = "skill-pipeline-hygiene-forecast"


@dataclass(frozen=True)
class Remedy:
    why: str
    correction: str
    citations: list[str]


def remedy(check: str | None, plays: tuple[Play, ...], values: dict[str, str]) -> Remedy | None:
    play_id = CHECK_PLAYS.get(check or "")
    play = next((p for p in plays if p.id == play_id), None)
    if play is None:
        return None
    steps = list_items(play.text("what-to-do"))
    return Remedy(
        why=fill(paragraph(play.text("why-it-matters")), values),
        correction=fill(steps[0], values) if steps else play.meta.title,
        citations=[play.ref("why-it-matters"), play.ref("what-to-do")],
    )


def skill_for(check: str | None) -> str:
    return CHECK_SKILLS.get(check or "", ACTIVITY_SKILL)
