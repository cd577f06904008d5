"""The chat's online path: the model, bound to the chat's tools, answers or calls tools in a
loop. Any model failure (unreachable, bad key, timeout, malformed or runaway output) sends the
turn down the offline path with one warning: the rep always gets the grounded answer."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.prebuilt import ToolNode
from langgraph.runtime import Runtime, get_runtime
from langgraph.types import Command

from agent.chat.context import ChatContext
from agent.chat.nodes import _settings, warn_injection
from agent.chat.prompt import system_message
from agent.chat.state import ChatState
from agent.chat.tools import chat_tools, tool_error_message
from agent.contracts.request import CAPABILITIES
from agent.errors import CoachError
from agent.model.injection import suspects
from agent.settings import CoachContext

FALLBACK = "answered offline from the grounded draft"
log = logging.getLogger(__name__)


def model_failure(exc: BaseException) -> str:
    """One line a rep understands, for each way a model call fails."""
    name = type(exc).__name__
    text = f"{name} {exc}".lower()
    if isinstance(exc, CoachError):  # a setting to fix (no key): its own message says how
        reason = str(exc).rstrip(".")
    elif "timeout" in text or "timed out" in text:
        reason = "the model did not answer in time"
    elif "connect" in text or "unreachable" in text:
        reason = "the model endpoint could not be reached"
    elif "auth" in text or "api key" in text or "401" in text or "403" in text:
        reason = "the model endpoint rejected the key"
    else:
        reason = f"the model call failed ({name})"
    return f"{reason}; {FALLBACK}"


def recent(messages: Sequence[BaseMessage], limit: int) -> list[BaseMessage]:
    """The last `limit` messages, never starting with a tool result cut off from its call."""
    kept = list(messages[-limit:])
    while kept and isinstance(kept[0], ToolMessage):
        kept = kept[1:]
    return kept


ModelRoute = Command[Literal["run_tools", "classify_intent", "__end__"]]


def call_model(state: ChatState, runtime: Runtime[ChatContext]) -> ModelRoute:
    ctx = _settings(runtime)
    steps = state.get("steps", 0)

    def fall_back(reason: str, exc: BaseException | None = None) -> ModelRoute:
        """The turn goes offline; the log says why (WARNING), with the traceback at DEBUG.
        The chat's own front end shows the turn's warning through this record, once."""
        ids = {"deal_id": state.get("deal_id"), "rep_id": state.get("rep_id")}
        log.warning("chat model fell back: %s", reason, extra={"code": "model_fallback", **ids})
        if exc is not None:
            log.debug("chat model call failed", exc_info=exc, extra=ids)
        return Command(goto="classify_intent", update={"warning": reason})

    try:
        model = ctx.client
        if model is None:
            from agent.model.factory import chat_model

            assert ctx.model is not None
            model = chat_model(ctx.model)
        bound = model.bind_tools(list(chat_tools(ctx.drafts)))
        prompt = [
            system_message(state.get("deal_id"), state.get("rep_id")),
            # the folded turns' summary quotes the rep's questions: it speaks as the rep did
            *([HumanMessage(summary)] if (summary := state.get("summary")) else []),
            *recent(state["messages"], ctx.history_limit),
        ]
        reply = bound.invoke(prompt)
    except Exception as exc:  # noqa: BLE001 - any model failure degrades to the offline answer
        return fall_back(model_failure(exc), exc)
    if not isinstance(reply, AIMessage):
        return fall_back(f"the model returned no message; {FALLBACK}")
    if reply.invalid_tool_calls:
        return fall_back(f"the model returned a malformed tool call; {FALLBACK}")
    if reply.tool_calls:
        if steps >= ctx.max_steps:
            return fall_back(f"the model used more than {ctx.max_steps} tool steps; {FALLBACK}")
        return Command(goto="run_tools", update={"messages": [reply], "steps": steps + 1})
    if not reply.text.strip():
        return fall_back(f"the model returned an empty answer; {FALLBACK}")
    return Command(goto="__end__", update={"messages": [reply]})


@cache
def _tool_node(ctx: CoachContext) -> ToolNode:
    return ToolNode(list(chat_tools(ctx)), handle_tool_errors=tool_error_message)


def run_tools(state: ChatState, config: RunnableConfig) -> dict[str, Any]:
    """LangGraph's ToolNode over the tools for this run's settings. An unknown tool name or
    bad arguments come back to the model as an error message; a failing tool as well."""
    runtime = get_runtime(ChatContext)
    result: dict[str, Any] = _tool_node(_settings(runtime).drafts).invoke(state, config)
    # A capability's output carries its own warnings (its read node scanned its input); deal
    # getters and knowledge search hand raw text over. Citations are expected in all of them.
    outputs = [
        m
        for m in result.get("messages", [])
        if isinstance(m, ToolMessage) and m.name not in CAPABILITIES
    ]
    found = suspects(
        ((f"tool:{m.name or m.tool_call_id}", m.text) for m in outputs), unless={"fake_citation"}
    )
    if found:  # the model reads tool output as data; the rep hears that it looked like orders
        result["warning"] = warn_injection(found, state)
    return result
