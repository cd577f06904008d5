"""One node per capability, made from its registry entry: the capability builds its complete,
typed draft from the request, the deal (or rep), the analysis and the knowledge."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.capabilities.outline import Outline
from agent.capabilities.registry import Inputs, capability
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState


class Node(Protocol):
    """A graph node that reads the run's settings (LangGraph passes `runtime` by keyword)."""

    __name__: str

    def __call__(
        self, state: CoachState, *, runtime: Runtime[CoachContext]
    ) -> dict[str, Any] | Command[Any]: ...


AFTER_DRAFT = ("enrich_draft", "compose")  # where a deal capability's node goes next


def after_draft(run: CoachContext) -> Literal["enrich_draft", "compose"]:
    """enrich_draft only when a model is configured: without one it has nothing to do, and a
    superstep of its own cost LangGraph about a twentieth of a warm next best action. The node
    says where it goes (a Command, as route does): a conditional edge would cost as much as the
    superstep it saves, since LangGraph evaluates one on a fresh copy of every channel."""
    return "compose" if run.chat_model is None and run.model is None else "enrich_draft"


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
    so a one-deal run loads the one capability it answers with. A deal capability's node goes
    on to `after_draft`'s choice (the graph declares both), a rep capability's to compose."""
    if not outline.runs:
        raise ValueError(f"{outline.name} has no draft: it is not a graph capability")
    name = outline.name

    def node(state: CoachState, *, runtime: Runtime[CoachContext]) -> dict[str, Any] | Command[Any]:
        draft = capability(name).draft
        assert draft is not None, f"{name} has no draft"
        drafted = draft(inputs_of(state, runtime))
        update = {"result": drafted.result, "grounds": list(drafted.grounds)}
        if outline.scope != "deal":
            return update
        return Command(goto=after_draft(settings(runtime.context)), update=update)

    node.__name__ = node.__qualname__ = outline.node
    node.__doc__ = outline.summary
    return node
