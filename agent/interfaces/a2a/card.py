"""The agent card: one skill per capability in the registry (its id is the capability's name),
so an A2A platform sees what the coach can do and how to ask for it."""

from __future__ import annotations

from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentProvider, AgentSkill

from agent.capabilities.registry import Capability
from agent.capabilities.requests import answering

TEXT, JSON = "text/plain", "application/json"
MARKDOWN = "text/markdown"
EXAMPLE = {"deal": "What should I do next on D-1003?", "rep": "Coach rep-priya on her deals"}


def skill(spec: Capability) -> AgentSkill:
    return AgentSkill(
        id=spec.name,
        name=spec.title,
        description=(
            f"{spec.summary} Send text naming the {spec.scope} (or a data part with the "
            f"capability's typed request) and metadata {{'skill': '{spec.name}'}}; the answer "
            "is an artifact: the markdown and the CoachingResponse as data."
        ),
        tags=["sales-coaching", spec.scope],
        examples=[EXAMPLE[spec.scope]],
        input_modes=[TEXT, JSON],
        output_modes=[MARKDOWN, JSON],
    )


def agent_card(url: str, version: str) -> AgentCard:
    """The card for the JSON-RPC endpoint at `url` (the absolute URL clients post to)."""
    return AgentCard(
        name="Sales coach",
        description=(
            "Grounded, cited B2B sales coaching: next best action, process adherence, "
            "stakeholders, deal strategy, meeting preparation, debriefs and rep coaching. Every "
            "statement cites the deal's input or a knowledge passage."
        ),
        supported_interfaces=[
            AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version="1.0")
        ],
        provider=AgentProvider(organization="sales-coach", url=url),
        version=version,
        capabilities=AgentCapabilities(streaming=True, push_notifications=False),
        default_input_modes=[TEXT, JSON],
        default_output_modes=[MARKDOWN, JSON],
        skills=[skill(spec) for spec in answering()],
    )
