"""route: send the request to its capability node. Only capabilities that exist are listed."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.errors import UnknownCapability
from agent.routing.intent import extract_objection, methodology_named
from agent.routing.router import choose
from agent.settings import CoachContext, settings
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


def route(state: CoachState, runtime: Runtime[CoachContext]) -> Command[CapabilityNode]:
    """The request's capability, or the one its message asks for (agent/router.py). A chosen
    capability reads its own inputs from the message: the quoted objection, the methodology."""
    request = state["request"]
    capability, how, warnings = choose(request, settings(runtime.context), frozenset(ROUTES))
    if capability not in ROUTES:
        raise UnknownCapability(capability, sorted(ROUTES))
    update: dict[str, Any] = {"warnings": warnings}
    if how in ("model", "classifier") and request.message:
        slots: dict[str, Any] = {"capability": capability}
        if capability == "objection_guide":
            slots["message"] = extract_objection(request.message) or request.message
        if capability == "methodology_coaching" and request.methodology is None:
            slots["methodology"] = methodology_named(request.message)
        update["request"] = request.model_copy(update=slots)
    return Command(goto=ROUTES[capability], update=update)
