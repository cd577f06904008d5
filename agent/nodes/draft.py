"""One node per capability, made from its registry entry: the capability builds its complete,
typed draft from the request, the deal (or rep), the analysis and the knowledge."""

from __future__ import annotations

from typing import Any, Protocol

from langgraph.runtime import Runtime

from agent.capabilities.outline import Outline
from agent.capabilities.registry import Inputs, capability
from agent.settings import CoachContext, settings
from agent.state import CoachState


class Node(Protocol):
    """A graph node that reads the run's settings (LangGraph passes `runtime` by keyword)."""

    __name__: str

    def __call__(self, state: CoachState, *, runtime: Runtime[CoachContext]) -> dict[str, Any]: ...


def inputs_of(state: CoachState, runtime: Runtime[CoachContext]) -> Inputs:
    """What a capability may read, gathered from the state and the run."""
    return Inputs(
        request=state["request"],
        as_of=state["as_of"],
        settings=settings(runtime.context),
        deal=state.get("deal"),
        analysis=state.get("analysis"),
        rep=state.get("rep"),
        missing=tuple(state.get("missing_inputs", [])),
        store=runtime.store,
    )


def capability_node(outline: Outline) -> Node:
    """The graph node for a capability, named by its verb (recommend_next_action, debrief_call
    …). It is made from the capability's outline (read from its declaration's source) and
    imports the capability itself when it first runs: compiling the graph imports no builder,
    so a one-deal run loads the one capability it answers with."""
    if not outline.runs:
        raise ValueError(f"{outline.name} has no draft: it is not a graph capability")
    name = outline.name

    def node(state: CoachState, *, runtime: Runtime[CoachContext]) -> dict[str, Any]:
        draft = capability(name).draft
        assert draft is not None, f"{name} has no draft"
        drafted = draft(inputs_of(state, runtime))
        return {"result": drafted.result, "grounds": list(drafted.grounds)}

    node.__name__ = node.__qualname__ = outline.node
    node.__doc__ = outline.summary
    return node
