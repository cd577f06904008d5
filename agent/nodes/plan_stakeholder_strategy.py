"""plan_stakeholder_strategy: the DMU, engagement per person and a plan for each."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.capabilities.stakeholder_strategy.build import plan_stakeholders
from agent.settings import CoachContext, settings
from agent.state import CoachState
from knowledge.plays import load_plays


def plan_stakeholder_strategy(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    plays = load_plays(settings(runtime.context).plays_dir)
    return {"result": plan_stakeholders(state["context"], state["analysis"], plays)}
