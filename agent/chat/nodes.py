"""The chat's turn start and its offline path: classify the message, run the capability it
asks for (or explain what the chat can do), answer from the capability's cited output."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.chat.answers import explain, from_response, which_deal
from agent.chat.context import ChatContext, chat_settings
from agent.chat.history import fold
from agent.chat.more import Shown, cited, navigation, opened
from agent.chat.people import STAKEHOLDERS, points_at_someone, resolve, someone_named
from agent.chat.pipeline import PIPELINE, pipeline_risk
from agent.chat.quick import QUICK, answer
from agent.chat.requests import build_request, coach_on, meeting_slots, notes
from agent.chat.state import ChatState
from agent.contracts.request import CAPABILITIES, REP_CAPABILITIES
from agent.errors import CoachError
from agent.model.injection import Suspect, suspects
from agent.routing.intent import FOLLOWUP, UNKNOWN, Intent, classifier
from agent.routing.intent_file import load_intents
from agent.routing.message_slots import DEAL_ID, ID_STAND_IN, deal_in, extract_slots
from agent.settings import CoachContext
from tools.sources import WorkspaceSource, workspace_source

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
    message = last_question(state["messages"])
    source = workspace_source(ctx.coach.workspace, ctx.coach.principal)
    slots = extract_slots(message, source)  # a CRM's own id shape too
    update: dict[str, object] = {"steps": 0, "warning": None, "intent": None}
    update.update(fold(dict(state), ctx.coach.chat_window))  # the thread stays light
    if found := suspects([("chat.message", message)]):
        update["warning"] = warn_injection(found, state)
    if slots.deal_id and slots.deal_id != state.get("deal_id"):
        try:
            source.get_deal(slots.deal_id)
        except CoachError as exc:
            return Command(goto="__end__", update={**update, "messages": [AIMessage(str(exc))]})
        update["deal_id"] = slots.deal_id
    if slots.rep_id:
        update["rep_id"] = slots.rep_id
    path: Literal["call_model", "classify_intent"] = (
        "call_model" if ctx.online else "classify_intent"
    )
    return Command(goto=path, update=update)


CHAT_MESSAGE = "chat message"  # where errors about a message say they are
Route = Literal["run_capability", "answer_quick", "show_more", "explain_capabilities"]


def classify_intent(state: ChatState, runtime: Runtime[ChatContext]) -> Command[Route]:
    """Offline routing. "more on 2", "step 2", "the second one", "why?", "show the sources"
    and "full report" open what the last answer showed; a follow-up ("and for D-1005?", "same
    again") repeats the last capability, on the deal now in focus; a message the classifier
    cannot place that names a contact ("what about Marguerite?") is about that person (their
    plan, or an error naming the deals they are on); anything else it is unsure of gets one
    clarifying question (explain_capabilities), never the last capability again."""
    message = last_question(state["messages"])
    if state.get("last_report") and navigation(message):
        return Command(goto="show_more", update={"intent": None})
    ctx = _settings(runtime).drafts
    source = workspace_source(ctx.workspace, ctx.principal)
    intent = _classified(message, source)
    last = state.get("last_capability")
    unsure = intent.name in (UNKNOWN, FOLLOWUP) or points_at_someone(message)
    if (
        unsure
        and not intent.slots.deal_id
        and (person := someone_named(message, state.get("deal_id"), source))
    ):
        slots = intent.slots.model_copy(update={"person": person})
        intent = intent.model_copy(update={"name": STAKEHOLDERS, "slots": slots})
    if intent.name == FOLLOWUP:
        intent = intent.model_copy(update={"name": last or UNKNOWN})
    shown = Shown.model_validate(state.get("last_shown") or {})
    if not intent.slots.person and shown.person and _PRONOUN.search(message):
        slots = intent.slots.model_copy(update={"person": shown.person.split()[0]})
        intent = intent.model_copy(update={"slots": slots})
    goto: Route = (
        "run_capability"
        if intent.name in CAPABILITIES
        else "answer_quick"
        if intent.name in (*QUICK, PIPELINE)
        else "explain_capabilities"
    )
    return Command(goto=goto, update={"intent": intent.model_dump()})


def _classified(message: str, source: WorkspaceSource) -> Intent:
    """The message's intent, a deal id of the CRM's own shape ("00400B1S", start_turn) read
    as any id is: a slot that says nothing of what the rep asks, so "0KSK9O00?" alone goes on
    with the last subject as "D-1004?" does."""
    named = deal_in(message, source)
    if named is None or DEAL_ID.search(message):  # none, or one the classifiers read as an id
        return classifier().classify(message)
    said = re.sub(re.escape(named), ID_STAND_IN, message, flags=re.IGNORECASE)  # as typed
    intent = classifier().classify(said)
    return intent.model_copy(update={"slots": intent.slots.model_copy(update={"deal_id": named})})


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
    asked = None
    try:
        if intent.name == STAKEHOLDERS and intent.slots.person and deal_id:
            asked = _about(intent.slots.person, deal_id, ctx)
    except CoachError as exc:  # a question about someone: the answer is where they are
        told = _told(exc)
        return {"messages": [AIMessage(told[:1].upper() + told[1:])]}
    try:
        request = build_request(
            intent.name,
            ctx,
            deal_id=deal_id,
            rep_id=intent.slots.rep_id or state.get("rep_id"),
            message=intent.slots.objection,
            methodology=intent.slots.methodology,
            **meeting_slots(intent.name, intent.slots, deal_id, ctx),
        )
        response = coach_on(request, ctx)
    except CoachError as exc:
        return {"messages": [AIMessage(f"I could not prepare the {title.lower()}: {_told(exc)}")]}
    text, shown = from_response(
        title, response, notes(response), last_question(state["messages"]), asked
    )
    return {
        "messages": [AIMessage(text)],
        "last_capability": intent.name,
        "last_report": response.markdown,
        "last_shown": shown.model_dump(),
    }


_PRONOUN = re.compile(r"\b(?:him|her|he|she)\b", re.IGNORECASE)


def _picked(shown: Shown, key: str) -> str | None:
    """The person of the item a rep picked ("the second one"), when it is in range."""
    index = len(shown.items) if key == "last" else int(key) if key.isdigit() else 0
    return shown.items[index - 1][0] if 1 <= index <= len(shown.items) else shown.person


def _told(exc: CoachError) -> str:
    """An error about the rep's own message, said to the rep: without "chat message:"."""
    if exc.where != CHAT_MESSAGE:
        return str(exc)
    return str(CoachError(exc.what, fix=exc.fix))


def _about(person: str, deal_id: str, ctx: CoachContext) -> list[str]:
    """The names of the deal's contacts a message is about; someone not on the deal is an
    error naming the deals they are on (agent/chat/people.py)."""
    source = workspace_source(ctx.workspace, ctx.principal)
    return [c.name for c in resolve(person, source.get_deal(deal_id), source)]


def answer_quick(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, object]:
    """The chat's own short answers (agent/chat/quick.py), on the deal in focus; the pipeline
    at risk (agent/chat/pipeline.py) of the rep named, else the thread's rep."""
    ctx = _settings(runtime).drafts
    intent = _intent(state)
    title = load_intents().intents[intent.name].title
    deal_id = state.get("deal_id")
    if deal_id is None and intent.name != PIPELINE:
        text = which_deal(workspace_source(ctx.workspace, ctx.principal), title)
        return {"messages": [AIMessage(text)], "last_capability": intent.name}
    try:
        if intent.name == PIPELINE:
            quick = pipeline_risk(intent.slots.rep_id or state.get("rep_id"), ctx)
        else:
            assert deal_id is not None
            message = last_question(state["messages"])
            quick = answer(intent.name, deal_id, intent.slots, ctx, message)
    except CoachError as exc:
        return {"messages": [AIMessage(f"I could not answer that ({title.lower()}): {_told(exc)}")]}
    return {
        "messages": [AIMessage(quick.text)],
        "last_capability": intent.name,
        "last_report": quick.report or quick.text,
        "last_shown": quick.shown.model_copy(update={"cited": cited(quick.text)}).model_dump(),
    }


def show_more(state: ChatState) -> dict[str, object]:
    ask = navigation(last_question(state["messages"]))
    assert ask is not None and state.get("last_report"), "classify_intent checked both"
    shown = Shown.model_validate(state.get("last_shown") or {})
    text = opened(state.get("last_report") or "", ask, shown)
    # What was shown now: its sources are the ones to show next (the whole report: all).
    if ask[0] == "full":
        shown = shown.model_copy(update={"cited": []})
    elif ask[0] != "sources" and (refs := cited(text)):
        shown = shown.model_copy(update={"cited": refs})
    if ask[0] == "item" and shown.items:  # "the second one", then "email her"
        shown = shown.model_copy(update={"person": _picked(shown, ask[1])})
    return {"messages": [AIMessage(text)], "last_shown": shown.model_dump()}


def explain_capabilities(state: ChatState) -> dict[str, object]:
    intent = _intent(state)
    text = explain(intent, state.get("deal_id"), last_question(state["messages"]))
    return {"messages": [AIMessage(text)]}
