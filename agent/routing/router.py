"""Which capability a request without one asks for: a structured decision, read from its message.

With a chat model, one structured-output call (prompts/router.md) picks among the capabilities
this request can run; without one, or when the call fails or answers outside that list, the
offline intent classifier the chat uses decides (agent/routing/intent.py). No message, or nothing
recognised: next best action. Only capabilities the request can feed are offered: post-call
analysis needs a transcript, and rep-level ones run in their own graph (each capability's
contract says what it requires).
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, Field

from agent.contracts.catalog import result_catalog
from agent.contracts.request import CoachingRequest
from agent.contracts.response import Warning
from agent.model.fence import neutralise
from agent.routing.intent import classifier
from agent.routing.intent_file import load_intents
from agent.settings import CoachContext

DEFAULT_CAPABILITY = "next_best_action"
log = logging.getLogger(__name__)


def unmet(request: CoachingRequest, name: str) -> str | None:
    """Why this request cannot run `name` (what it lacks), or None when it can."""
    entry = result_catalog().get(name)
    if entry is None:
        return "is not a capability"
    if entry.scope == "rep":
        return f"is about a rep: send rep_id with capability {name}"
    for field, _ in entry.requires.items():
        value = getattr(request, field, None)
        if not (value.strip() if isinstance(value, str) else value):
            return f"needs the {field} in the request"
    return None


class RouteDecision(BaseModel):
    capability: str = Field(description="One of the capability names listed.")
    reason: str = Field(description="Why, in a few words.")


def offered(request: CoachingRequest, known: frozenset[str]) -> list[str]:
    """The capabilities this request can feed, in the intents' order."""
    return [n for n in load_intents().intents if n in known and unmet(request, n) is None]


def choose(
    request: CoachingRequest, run: CoachContext, known: frozenset[str]
) -> tuple[str, Literal["request", "model", "classifier", "default"], list[Warning]]:
    """(capability, how it was chosen, warnings)."""
    if request.capability is not None:
        return request.capability, "request", []
    message = (request.message or "").strip()
    choices = offered(request, known)
    if not message:
        return DEFAULT_CAPABILITY, "default", []
    warnings: list[Warning] = []
    client = run.client() if (run.chat_model is not None or run.model is not None) else None
    if client is not None:
        try:
            picked = _ask_model(client, message, choices, run)
            if picked in choices:
                return picked, "model", []
            problem = f"it chose '{picked}', which this request cannot run"
        except Exception as exc:  # noqa: BLE001 - any model failure: the classifier decides
            from agent.model.factory import describe_error

            problem = describe_error(exc, run.model)
            # The response's warning (logged by the respond node) says why; this is the detail.
            log.debug("routing by model failed", exc_info=exc, extra={"model": run.model_name})
        warnings.append(
            Warning(
                code="model_fallback",
                message=f"routing by model '{run.model_name}' failed ({problem}); the offline "
                "classifier chose the capability",
            )
        )
    intent = classifier().classify(message)
    if intent.name in choices:
        return intent.name, "classifier", warnings
    lacking = unmet(request, intent.name) if intent.name in result_catalog() else None
    if lacking:  # asked for, but this request cannot feed it: say so
        warnings.append(
            Warning(
                code="missing_input",
                message=f"the message asks for {intent.name.replace('_', ' ')}, which "
                f"{lacking}; answered with {DEFAULT_CAPABILITY.replace('_', ' ')}",
            )
        )
    return DEFAULT_CAPABILITY, "default", warnings


def _ask_model(client: object, message: str, choices: list[str], run: CoachContext) -> str:
    from agent.model.prompts import load_prompt  # langchain's prompts: with a model only

    intents = load_intents().intents
    prompt = load_prompt("router").invoke(
        {
            "capabilities": [
                {"name": n, "title": intents[n].title, "example": intents[n].try_} for n in choices
            ],
            "message": neutralise(message),
        }
    )
    method = run.model.structured_output if run.model else "function_calling"
    structured = client.with_structured_output(RouteDecision, method=method)  # type: ignore[attr-defined]
    decision = structured.invoke(prompt)
    return decision.capability if isinstance(decision, RouteDecision) else ""
