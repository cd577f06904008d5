"""route: send the request to its capability node. Only capabilities that exist are listed."""

from __future__ import annotations

from typing import Literal

from langgraph.types import Command

from agent.errors import UnknownCapability
from agent.state import CoachState

CapabilityNode = Literal[
    "recommend_next_action",
    "check_process_adherence",
    "plan_stakeholder_strategy",
    "plan_deal_strategy",
    "prepare_pre_call_brief",
    "plan_meeting_agenda",
    "guide_objections",
    "coach_on_methodology",
    "debrief_call",
]
ROUTES: dict[str, CapabilityNode] = {
    "next_best_action": "recommend_next_action",
    "process_adherence": "check_process_adherence",
    "stakeholder_strategy": "plan_stakeholder_strategy",
    "deal_strategy": "plan_deal_strategy",
    "pre_call_brief": "prepare_pre_call_brief",
    "meeting_agenda": "plan_meeting_agenda",
    "objection_guide": "guide_objections",
    "methodology_coaching": "coach_on_methodology",
    "post_call_analysis": "debrief_call",
}
DEFAULT_CAPABILITY = "next_best_action"


def route(state: CoachState) -> Command[CapabilityNode]:
    capability = state["request"].capability or DEFAULT_CAPABILITY
    if capability not in ROUTES:
        raise UnknownCapability(capability, sorted(ROUTES))
    return Command(goto=ROUTES[capability])
