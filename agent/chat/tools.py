"""The chat's tools: one per capability in the registry (each runs through `agent.service.coach`,
its arguments made from what the capability reads), plus knowledge search and deal getters,
built for the run's settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, Field, create_model

from agent.capabilities.registry import Capability, in_scope
from agent.chat.requests import as_tool_output, build_request, coach_on
from agent.errors import CoachError
from agent.settings import CoachContext

if TYPE_CHECKING:
    from agent.chat.quick import Quick

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

    return _tool(
        run,
        spec.name,
        tool_args(spec),
        f"{spec.summary} Grounded and cited; cite its refs in your answer.",
    )


def _tool(run: Callable[..., str], name: str, args: type[BaseModel], description: str) -> BaseTool:
    """A function as a tool whose errors the model reads (ToolException: handled)."""
    return StructuredTool.from_function(
        run, name=name, args_schema=args, description=description, handle_tool_error=True
    )


class QuickArgs(BaseModel):
    deal_id: str = Field(description=DEAL)
    person: str | None = Field(default=None, description="A contact's name or role, e.g. CFO.")
    when: str | None = Field(default=None, description="A time as the rep wrote it: 'monday'.")
    message: str | None = Field(default=None, description="The rep's words, e.g. 'why 30%?'.")
    topic: str | None = Field(
        default=None, description="What a draft is about, e.g. 'the payback timeline'."
    )


def _short_answer(name: str, subject: str, make: Callable[[], Quick]) -> str:
    """One of the chat's short answers as a tool's output: its text, or its error raised as
    the tool's (the model reads it)."""
    try:
        quick = make()
    except CoachError as exc:
        raise ToolException(str(exc)) from None
    return f'<data answer="{name}" subject="{subject}">\n{quick.text}\n</data>'


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
        return _short_answer(
            name, deal_id, lambda: answer(name, deal_id, slots, ctx, message or "")
        )

    return _tool(
        run, name, QuickArgs, f"{intent.title}, in a few cited lines (e.g. “{intent.try_}”)."
    )


class PipelineArgs(BaseModel):
    rep_id: str | None = Field(
        default=None, description="The rep whose open deals to rank, e.g. rep-priya; none: all."
    )


def _pipeline_tool(ctx: CoachContext) -> BaseTool:
    """Which open deals are most at risk (agent/chat/pipeline.py), as a tool."""
    from agent.chat.pipeline import PIPELINE, pipeline_risk
    from agent.routing.intent_file import load_intents

    intent = load_intents().intents[PIPELINE]

    def run(rep_id: str | None = None) -> str:
        return _short_answer(PIPELINE, rep_id or "pipeline", lambda: pipeline_risk(rep_id, ctx))

    return _tool(
        run,
        PIPELINE,
        PipelineArgs,
        f"{intent.title}: open deals ranked by risk, cited (e.g. “{intent.try_}”).",
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
        _pipeline_tool(ctx),
        build_knowledge_tool(index_for(ctx)),
        *build_deal_tools(workspace_source(ctx.workspace, ctx.principal)),
    )


def tool_error_message(exc: Exception) -> str:
    """What the model reads when a tool fails in a way the tool did not handle itself."""
    return (
        f"Tool error ({type(exc).__name__}): {exc}. Check the arguments (deal ids come from "
        "list_deals) or answer without this tool."
    )
