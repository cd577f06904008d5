"""The chat's tools: one per capability in the registry (each runs through `agent.service.coach`,
its arguments made from what the capability reads), plus knowledge search and deal getters,
built for the run's settings."""

from __future__ import annotations

from functools import cache
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, Field, create_model

from agent.capabilities.registry import Capability, in_scope
from agent.chat.requests import as_tool_output, build_request, coach_on
from agent.errors import CoachError
from agent.settings import CoachContext

DEAL = "The CRM deal id, e.g. D-1003 (list_deals shows them)."
REP = "The rep's id, e.g. rep-priya (deal owners)."
FIELDS: dict[str, dict[str, Any]] = {
    "message": {
        "message": (
            str | None,
            Field(default=None, description="What the customer said, in their words, if any."),
        )
    },
    "methodology": {
        "methodology": (
            str | None,
            Field(default=None, description="MEDDICC, BANT, SPIN, Challenger, Sandler, ..."),
        )
    },
    "meeting": {
        "minutes": (int | None, Field(default=None, gt=0, le=480, description="Meeting length.")),
        "objective": (str | None, Field(default=None, description="What the meeting is for.")),
    },
}


def tool_args(spec: Capability) -> type[BaseModel]:
    """The tool's argument schema: the deal (or rep), then each request field it reads that a
    chat can supply (a transcript comes from the deal's own files)."""
    fields: dict[str, Any] = (
        {"rep_id": (str, Field(description=REP))}
        if spec.scope == "rep"
        else {"deal_id": (str, Field(description=DEAL))}
    )
    for name in spec.uses:
        fields.update(FIELDS.get(name, {}))
    model: type[BaseModel] = create_model(f"{spec.name}_args", **fields)
    return model


def _capability_tool(spec: Capability, ctx: CoachContext) -> BaseTool:
    def run(**kwargs: Any) -> str:
        try:
            request = build_request(spec.name, ctx, **kwargs)
            return as_tool_output(coach_on(request, ctx))
        except CoachError as exc:
            raise ToolException(str(exc)) from None

    return StructuredTool.from_function(
        run,
        name=spec.name,
        args_schema=tool_args(spec),
        description=f"{spec.summary} Grounded and cited; cite its refs in your answer.",
        handle_tool_error=True,
    )


class QuickArgs(BaseModel):
    deal_id: str = Field(description=DEAL)
    person: str | None = Field(default=None, description="A contact's name or role, e.g. CFO.")
    when: str | None = Field(default=None, description="A time as the rep wrote it: 'monday'.")
    message: str | None = Field(default=None, description="The rep's words, e.g. 'why 30%?'.")
    topic: str | None = Field(
        default=None, description="What a draft is about, e.g. 'the payback timeline'."
    )


def _quick_tool(name: str, ctx: CoachContext) -> BaseTool:
    """One of the chat's own short answers (agent/chat/quick.py) as a tool."""
    from agent.chat.quick import answer
    from agent.routing.intent_file import load_intents
    from agent.routing.message_slots import Slots

    intent = load_intents().intents[name]

    def run(
        deal_id: str,
        person: str | None = None,
        when: str | None = None,
        message: str | None = None,
        topic: str | None = None,
    ) -> str:
        slots = Slots(person=person, when=when, topic=topic)
        try:
            quick = answer(name, deal_id, slots, ctx, message or "")
        except CoachError as exc:
            raise ToolException(str(exc)) from None
        return f'<data answer="{name}" subject="{deal_id}">\n{quick.text}\n</data>'

    return StructuredTool.from_function(
        run,
        name=name,
        args_schema=QuickArgs,
        description=f"{intent.title}, in a few cited lines (e.g. “{intent.try_}”).",
        handle_tool_error=True,
    )


@cache
def chat_tools(ctx: CoachContext) -> tuple[BaseTool, ...]:
    from agent.chat.quick import QUICK
    from agent.retrieval import index_for
    from tools.deal_tools import build_deal_tools
    from tools.knowledge_tools import build_knowledge_tool
    from tools.sources import workspace_source

    return (
        *(_capability_tool(spec, ctx) for spec in in_scope("deal", "rep")),
        *(_quick_tool(name, ctx) for name in QUICK),
        build_knowledge_tool(index_for(ctx)),
        *build_deal_tools(workspace_source(ctx.workspace, ctx.principal)),
    )


def tool_error_message(exc: Exception) -> str:
    """What the model reads when a tool fails in a way the tool did not handle itself."""
    return (
        f"Tool error ({type(exc).__name__}): {exc}. Check the arguments (deal ids come from "
        "list_deals) or answer without this tool."
    )
