"""The chat's tools: one per capability (each runs through `agent.service.coach`), plus the
existing knowledge search and deal getters, built for the run's settings."""

from __future__ import annotations

from functools import cache
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, Field

from agent.chat.requests import as_tool_output, build_request, coach_on
from agent.errors import CoachError
from agent.settings import CoachContext

DEAL = "The CRM deal id, e.g. D-1003 (list_deals shows them)."


class DealArgs(BaseModel):
    deal_id: str = Field(description=DEAL)


class ObjectionArgs(DealArgs):
    objection: str | None = Field(
        default=None, description="What the customer said, in their words, if they raised one."
    )


class MethodologyArgs(DealArgs):
    methodology: str | None = Field(
        default=None, description="MEDDICC, BANT, SPIN, Challenger, Sandler, SPICED, ..."
    )


class MeetingArgs(DealArgs):
    minutes: int | None = Field(default=None, gt=0, le=480, description="Meeting length.")
    objective: str | None = Field(default=None, description="What the meeting should achieve.")


class RepArgs(BaseModel):
    rep_id: str = Field(description="The rep's id, e.g. rep-priya (deal owners).")


# capability -> (arguments, what it answers)
CAPABILITY_TOOLS: dict[str, tuple[type[BaseModel], str]] = {
    "next_best_action": (DealArgs, "The next best action for a deal, with alternatives."),
    "process_adherence": (DealArgs, "Sales process steps done, missed or waived; corrections."),
    "stakeholder_strategy": (DealArgs, "The buying group: engagement, gaps, a plan per person."),
    "deal_strategy": (DealArgs, "Win probability, win themes, competition, risks, close plan."),
    "pre_call_brief": (MeetingArgs, "A briefing package for the next customer meeting."),
    "meeting_agenda": (MeetingArgs, "A timed meeting agenda with a customer-ready copy."),
    "objection_guide": (ObjectionArgs, "How to answer the customer's objections."),
    "methodology_coaching": (MethodologyArgs, "A methodology scorecard with gap questions."),
    "post_call_analysis": (DealArgs, "Analysis of the deal's most recent call transcript."),
    "performance_coaching": (RepArgs, "Coaching for a rep across all their deals."),
}


def _capability_tool(capability: str, ctx: CoachContext) -> BaseTool:
    args, summary = CAPABILITY_TOOLS[capability]

    def run(**kwargs: Any) -> str:
        try:
            request = build_request(capability, ctx, **kwargs)
            return as_tool_output(coach_on(request, ctx))
        except CoachError as exc:
            raise ToolException(str(exc)) from None

    return StructuredTool.from_function(
        run,
        name=capability,
        args_schema=args,
        description=f"{summary} Grounded and cited; cite its refs in your answer.",
        handle_tool_error=True,
    )


@cache
def chat_tools(ctx: CoachContext) -> tuple[BaseTool, ...]:
    from agent.retrieval import index_for
    from tools.deal_tools import build_deal_tools
    from tools.knowledge_tools import build_knowledge_tool
    from tools.sources import workspace_source

    return (
        *(_capability_tool(name, ctx) for name in CAPABILITY_TOOLS),
        build_knowledge_tool(index_for(ctx)),
        *build_deal_tools(workspace_source(ctx.workspace)),
    )


def tool_error_message(exc: Exception) -> str:
    """What the model reads when a tool fails in a way the tool did not handle itself."""
    return (
        f"Tool error ({type(exc).__name__}): {exc}. Check the arguments (deal ids come from "
        "list_deals) or answer without this tool."
    )
