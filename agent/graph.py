"""The coaching graph. Wiring only: each node lives in agent/nodes/."""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from agent.context import CoachContext
from agent.nodes.analyze import analyze
from agent.nodes.check import check
from agent.nodes.compose import compose
from agent.nodes.load_context import load_context
from agent.nodes.recommend_next_action import recommend_next_action
from agent.nodes.route import route
from agent.state import CoachState, InputState, OutputState

builder = StateGraph(
    CoachState, context_schema=CoachContext, input_schema=InputState, output_schema=OutputState
)
builder.add_node(load_context)
builder.add_node(analyze)
builder.add_node(route)
builder.add_node(recommend_next_action)
builder.add_node(compose)
builder.add_node(check)

builder.add_edge(START, "load_context")
builder.add_edge("load_context", "analyze")
builder.add_edge("analyze", "route")
builder.add_edge("recommend_next_action", "compose")
builder.add_edge("compose", "check")
builder.add_edge("check", END)

graph = builder.compile(name="sales-coach")
