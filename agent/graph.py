"""The coaching graph. Wiring only: each node lives in agent/nodes/."""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from agent.nodes.analyze import analyze
from agent.nodes.assess_performance import assess_performance
from agent.nodes.check import check
from agent.nodes.check_performance import check_performance
from agent.nodes.check_process_adherence import check_process_adherence
from agent.nodes.coach_on_methodology import coach_on_methodology
from agent.nodes.compose import compose
from agent.nodes.compose_performance import compose_performance
from agent.nodes.debrief_call import debrief_call
from agent.nodes.enrich_draft import enrich_draft
from agent.nodes.guide_objections import guide_objections
from agent.nodes.load_context import load_context
from agent.nodes.load_rep_context import load_rep_context
from agent.nodes.plan_deal_strategy import plan_deal_strategy
from agent.nodes.plan_stakeholder_strategy import plan_stakeholder_strategy
from agent.nodes.prepare_meeting import plan_meeting_agenda, prepare_pre_call_brief
from agent.nodes.recommend_next_action import recommend_next_action
from agent.nodes.route import route
from agent.settings import CoachContext
from agent.state import CoachState, InputState, OutputState, RepState

CAPABILITY_NODES = (
    recommend_next_action,
    check_process_adherence,
    plan_stakeholder_strategy,
    plan_deal_strategy,
    prepare_pre_call_brief,
    plan_meeting_agenda,
    guide_objections,
    coach_on_methodology,
    debrief_call,
)

builder = StateGraph(
    CoachState, context_schema=CoachContext, input_schema=InputState, output_schema=OutputState
)
builder.add_node(load_context)
builder.add_node(analyze)
builder.add_node(route)
for node in CAPABILITY_NODES:
    builder.add_node(node)
    builder.add_edge(node.__name__, "enrich_draft")
builder.add_node(enrich_draft)
builder.add_node(compose)
builder.add_node(check)

builder.add_edge(START, "load_context")
builder.add_edge("load_context", "analyze")
builder.add_edge("analyze", "route")
builder.add_edge("enrich_draft", "compose")
builder.add_edge("compose", "check")
builder.add_edge("check", END)

graph = builder.compile(name="sales-coach")

# Rep-level capabilities (performance coaching) read many deals for one rep: a second graph.
rep_builder = StateGraph(
    RepState, context_schema=CoachContext, input_schema=InputState, output_schema=OutputState
)
rep_builder.add_sequence(
    [load_rep_context, assess_performance, compose_performance, check_performance]
)
rep_builder.add_edge(START, "load_rep_context")
rep_builder.add_edge("check_performance", END)

rep_graph = rep_builder.compile(name="sales-coach-rep")
