"""route: send the request to its capability's node: the one it names, else the one its message
asks for (agent/routing/router.py). A chosen capability reads its own inputs from the message:
the quoted remark for one that takes a message, the methodology named."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.capabilities.outline import Outline, outlines
from agent.contracts.catalog import Scope
from agent.errors import UnknownCapability
from agent.routing.message_slots import extract_objection, methodology_named
from agent.routing.router import choose
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState

if TYPE_CHECKING:
    CapabilityNode = str
else:  # every capability a graph can run; each graph lists its own (graph.py)
    CapabilityNode = Literal[tuple(c.node for c in outlines().values() if c.scope != "live")]


def route(state: CoachState, runtime: Runtime[CoachContext]) -> Command[CapabilityNode]:
    request = state["request"]
    scope: Scope = "rep" if "rep" in state else "deal"
    # outlines, not the registry: routing imports no capability (the chosen node does)
    here: dict[str, Outline] = {c.name: c for c in outlines().values() if c.scope == scope}
    capability, how, warnings = choose(request, settings(runtime.context), frozenset(here))
    if capability not in here:
        raise UnknownCapability(capability, sorted(here))
    spec = here[capability]
    update: dict[str, Any] = {"warnings": warnings}
    if how in ("model", "classifier") and request.message:
        slots: dict[str, Any] = {"capability": capability}
        if "message" in spec.uses:
            slots["message"] = extract_objection(request.message) or request.message
        if "methodology" in spec.uses and request.methodology is None:
            slots["methodology"] = methodology_named(request.message)
        update["request"] = request.model_copy(update=slots)
    return Command(goto=spec.node, update=update)
