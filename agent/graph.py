"""The coaching graphs. Wiring only: nodes live in agent/nodes/, one per capability comes from
the capabilities' outlines (agent/capabilities/outline.py), each imported when it first runs.

    load_context -> read -> analyze -> route -> <capability> -> [enrich_draft, with a model]
        -> compose -> check -> respond
    load_rep_context -> route -> <rep capability> -> compose -> check -> respond
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from agent.capabilities.outline import outlines
from agent.contracts.catalog import Scope
from agent.nodes.analyze import analyze
from agent.nodes.check import check
from agent.nodes.compose import compose
from agent.nodes.draft import AFTER_DRAFT, capability_node
from agent.nodes.enrich_draft import enrich_draft
from agent.nodes.load_context import load_context
from agent.nodes.load_rep_context import load_rep_context
from agent.nodes.read import read
from agent.nodes.respond import respond
from agent.nodes.route import route
from agent.settings_json import ContextInput
from agent.state import CoachState, InputState, OutputState

# The context is a CoachContext in-process, or its JSON form (ContextInput) from a server or
# Studio, which LangGraph builds from the declared schema; nodes read either through
# agent.settings_json.settings.
Builder = StateGraph[CoachState, Any, InputState, OutputState]


def _builder(first: str, scope: Scope) -> Builder:
    """The steps both graphs share, around the registry's capabilities of one scope."""
    capabilities = [c for c in outlines().values() if c.scope == scope]
    context: type[Any] = ContextInput
    builder: Builder = StateGraph(
        CoachState, context_schema=context, input_schema=InputState, output_schema=OutputState
    )
    builder.add_node(route, destinations=tuple(c.node for c in capabilities))
    for spec in capabilities:
        if scope == "deal":  # the node goes on to one of them (agent/nodes/draft.py)
            builder.add_node(spec.node, capability_node(spec), destinations=AFTER_DRAFT)
        else:
            builder.add_node(spec.node, capability_node(spec))
            builder.add_edge(spec.node, "compose")
    if scope == "deal":
        builder.add_node(enrich_draft)
        builder.add_edge("enrich_draft", "compose")
    builder.add_node(compose)
    builder.add_node(check)
    builder.add_node(respond)
    builder.add_edge("compose", "check")
    builder.add_edge("check", "respond")
    builder.add_edge(START, first)
    builder.add_edge("respond", END)
    return builder


builder = _builder("load_context", "deal")
builder.add_node(load_context)
builder.add_node(read)
builder.add_node(analyze)
builder.add_edge("load_context", "read")
builder.add_edge("read", "analyze")
builder.add_edge("analyze", "route")

# Rep-level capabilities (performance coaching) read many deals for one rep: a second graph.
rep_builder = _builder("load_rep_context", "rep")
rep_builder.add_node(load_rep_context)
rep_builder.add_edge("load_rep_context", "route")

# The graphs without a store (`graph`, `rep_graph`: langgraph.json, subgraphs, tests) are
# compiled when first asked for: a CLI answer remembers, so it runs the builder's compile
# with its store instead (agent/service.py), and compiling both here cost it about 10 ms.
_COMPILED = {"graph": (builder, "sales-coach"), "rep_graph": (rep_builder, "sales-coach-rep")}


def __getattr__(name: str) -> Any:
    if name not in _COMPILED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    chosen, title = _COMPILED[name]
    compiled = globals()[name] = chosen.compile(name=title)
    return compiled
