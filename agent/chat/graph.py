"""The chat graph. Wiring only: nodes live in agent/chat/nodes.py and model_nodes.py.

start_turn -> call_model <-> run_tools          (a chat model is configured)
           -> classify_intent -> run_capability | answer_quick | show_more
                              | explain_capabilities      (offline, or fallback)

Compiled without a checkpointer, as a LangGraph server expects (it brings its own);
`agent.chat.session` compiles it with the SQLite one for the CLI.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import START, StateGraph

from agent.chat.context import ChatContextInput
from agent.chat.model_nodes import call_model, run_tools
from agent.chat.nodes import (
    answer_quick,
    classify_intent,
    explain_capabilities,
    run_capability,
    show_more,
    start_turn,
)
from agent.chat.state import ChatState

# Its context is a ChatContext in-process (agent.chat.session) or its JSON form from a server,
# which LangGraph builds from this schema; the nodes read either (chat_settings).
_context: type[Any] = ChatContextInput
builder: StateGraph[ChatState, Any, ChatState, ChatState] = StateGraph(
    ChatState, context_schema=_context
)
builder.add_node(start_turn)
builder.add_node(call_model)
builder.add_node(run_tools)
builder.add_node(classify_intent)
builder.add_node(run_capability)
builder.add_node(answer_quick)
builder.add_node(show_more)
builder.add_node(explain_capabilities)

builder.add_edge(START, "start_turn")
builder.add_edge("run_tools", "call_model")

graph = builder.compile(name="sales-chat")
