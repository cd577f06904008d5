"""The chat's turn start and its offline path: classify the message, run the capability it
asks for (or explain what the chat can do), answer from the capability's cited output."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.chat.answers import explain, from_response, which_deal
from agent.chat.context import ChatContext, chat_settings
from agent.chat.requests import build_request, coach_on, notes
from agent.chat.state import ChatState
from agent.contracts.request import CAPABILITIES, REP_CAPABILITIES
from agent.errors import CoachError
from agent.model.injection import Suspect, suspects
from agent.routing.intent import FOLLOWUP, UNKNOWN, Intent, classifier, extract_slots, load_intents
from tools.sources import workspace_source

log = logging.getLogger(__name__)


def _settings(runtime: Runtime[ChatContext]) -> ChatContext:
    """The turn's settings (agent.chat.context.chat_settings): JSON from a server, as given
    in-process, else the offline defaults."""
    return chat_settings(runtime.context)


def last_question(messages: Sequence[BaseMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return message.text
    return ""


def warn_injection(found: Sequence[Suspect], state: ChatState) -> str:
    """One warning line for text in the chat that reads like instructions to a model, logged
    with its places (the chat's front end shows the turn's warning once)."""
    text = "; ".join(s.message() for s in found)
    ids = {"deal_id": state.get("deal_id"), "rep_id": state.get("rep_id")}
    log.warning(text, extra={"code": "suspected_injection", **ids})
    return text


def start_turn(
    state: ChatState, runtime: Runtime[ChatContext]
) -> Command[Literal["call_model", "classify_intent", "__end__"]]:
    """Resets the turn, takes a deal or rep named in the message into the thread's focus (an
    unknown deal is answered at once), and chooses the path: a model when one is configured."""
    ctx = _settings(runtime)
    slots = extract_slots(last_question(state["messages"]))
    update: dict[str, object] = {"steps": 0, "warning": None, "intent": None}
    if found := suspects([("chat.message", last_question(state["messages"]))]):
        update["warning"] = warn_injection(found, state)
    if slots.deal_id and slots.deal_id != state.get("deal_id"):
        try:
            workspace_source(ctx.coach.workspace, ctx.coach.principal).get_deal(slots.deal_id)
        except CoachError as exc:
            return Command(goto="__end__", update={**update, "messages": [AIMessage(str(exc))]})
        update["deal_id"] = slots.deal_id
    if slots.rep_id:
        update["rep_id"] = slots.rep_id
    path: Literal["call_model", "classify_intent"] = (
        "call_model" if ctx.online else "classify_intent"
    )
    return Command(goto=path, update=update)


def classify_intent(
    state: ChatState,
) -> Command[Literal["run_capability", "explain_capabilities"]]:
    """Offline routing. A follow-up ("and for D-1005?", "same again") repeats the last
    capability, on the deal now in focus."""
    message = last_question(state["messages"])
    intent = classifier().classify(message)
    last = state.get("last_capability")
    if last and (intent.name == FOLLOWUP or (intent.name == UNKNOWN and intent.slots.deal_id)):
        intent = intent.model_copy(update={"name": last})
    elif intent.name == FOLLOWUP:
        intent = intent.model_copy(update={"name": UNKNOWN})
    goto: Literal["run_capability", "explain_capabilities"] = (
        "run_capability" if intent.name in CAPABILITIES else "explain_capabilities"
    )
    return Command(goto=goto, update={"intent": intent.model_dump()})


def _intent(state: ChatState) -> Intent:
    assert state.get("intent") is not None, "classify_intent runs first"
    return Intent.model_validate(state["intent"])


def run_capability(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, object]:
    ctx = _settings(runtime).drafts
    intent = _intent(state)
    title = load_intents().intents[intent.name].title
    deal_id = state.get("deal_id")
    if deal_id is None and intent.name not in REP_CAPABILITIES:
        # Remembered as the last capability, so a reply naming only the deal runs it.
        text = which_deal(workspace_source(ctx.workspace, ctx.principal), title)
        return {"messages": [AIMessage(text)], "last_capability": intent.name}
    try:
        request = build_request(
            intent.name,
            ctx,
            deal_id=deal_id,
            rep_id=intent.slots.rep_id or state.get("rep_id"),
            message=intent.slots.objection,
            methodology=intent.slots.methodology,
        )
        response = coach_on(request, ctx)
    except CoachError as exc:
        return {"messages": [AIMessage(f"I could not prepare the {title.lower()}: {exc}")]}
    text = from_response(title, response, notes(response))
    return {"messages": [AIMessage(text)], "last_capability": intent.name}


def explain_capabilities(state: ChatState) -> dict[str, object]:
    intent = _intent(state)
    return {"messages": [AIMessage(explain(intent, state.get("deal_id")))]}
