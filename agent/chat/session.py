"""A chat session: the chat graph compiled with LangGraph's checkpointer (SQLite, or PostgreSQL
with COACH_DATABASE_URL: agent/stores), a thread per rep and deal, resumable after a restart;
and one turn streamed as events a front end shows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, cast

from filelock import Timeout
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import StreamMode

from agent.chat.context import ChatContext, thread_id
from agent.chat.graph import builder
from agent.chat.state import ChatState
from agent.errors import InvalidInput
from agent.intake import LIMITS, check_text
from agent.sanitise import clean_text
from agent.stores import turn_lock
from agent.stores.sqlite import open_checkpointer

__all__ = ["ChatSession", "Event", "open_checkpointer", "thread_lock"]

TURN_LOCK_TIMEOUT_S = 300.0  # a turn with a slow model; then the second process says so
ANSWER_NODES = frozenset(
    {
        "start_turn",
        "call_model",
        "run_capability",
        "answer_quick",
        "show_more",
        "explain_capabilities",
    }
)


def thread_lock(checkpointer: BaseCheckpointSaver[Any], thread: str) -> Any:
    """One turn at a time per thread, across processes (agent/stores `turn_lock`)."""
    return turn_lock(checkpointer, thread, TURN_LOCK_TIMEOUT_S)


@dataclass(frozen=True)
class Event:
    kind: Literal["token", "answer", "warning", "tool"]
    text: str


class ChatSession:
    def __init__(
        self,
        context: ChatContext,
        checkpointer: BaseCheckpointSaver[Any],
        *,
        deal_id: str | None = None,
        rep_id: str | None = None,
        thread: str | None = None,
    ) -> None:
        """`thread` names the conversation (a server's client chooses it); it is kept under
        the principal's key like the default one, so no other principal can open it."""
        self.context = context
        self.checkpointer = checkpointer
        self.graph = builder.compile(checkpointer=checkpointer, name="sales-chat")
        principal = context.coach.principal
        self.thread = (
            thread_id(rep_id, deal_id, principal)
            if thread is None
            else f"{principal.key if principal else 'local'}|thread:{thread}"
        )
        self.config: Any = {"configurable": {"thread_id": self.thread}}
        self.deal_id, self.asked_rep = deal_id, rep_id

    @cached_property
    def rep_id(self) -> str | None:
        """The rep a new thread is for: the one asked for, else the principal when it owns
        deals (`coach --as rep-priya chat`: "my deals" are rep-priya's, not a question of
        whose). Looked up once, for a new thread: its rep's deals only, not the workspace."""
        if self.asked_rep is not None:
            return self.asked_rep
        principal = self.context.coach.principal
        if principal is None:
            return None
        from tools.sources import workspace_source

        source = workspace_source(self.context.coach.workspace, principal)
        return principal.id if source.rep_deal_ids(principal.id) else None

    def forget(self) -> None:
        """Start this rep's conversation about this deal afresh."""
        self.checkpointer.delete_thread(self.thread)

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.graph.get_state(self.config).values)

    def turns(self) -> int:
        """Every turn asked in this thread, the ones folded into its summary too."""
        values = self.values
        asked = sum(isinstance(m, HumanMessage) for m in values.get("messages", []))
        return int(values.get("earlier_turns") or 0) + asked

    def ask(self, message: str) -> Iterator[Event]:
        """One turn: model tokens as they come (online), whole answers otherwise, then the
        turn's warning if it had one. A turn beyond the chat limit is refused before it is
        stored: the thread keeps only what could be answered."""
        check_text(message, LIMITS.chat_message, "chat message")
        try:
            lock = thread_lock(self.checkpointer, self.thread).acquire()
        except Timeout:
            raise InvalidInput(
                "another turn of this conversation is still running",
                where=f"thread {self.thread}",
                fix="Ask again when it has answered",
            ) from None
        with lock:
            yield from self._turn(message)

    def _turn(self, message: str) -> Iterator[Event]:
        seed: dict[str, Any] = {"messages": [HumanMessage(message)]}
        if not self.values:  # a new thread starts with the deal and rep it was opened for
            seed.update(deal_id=self.deal_id, rep_id=self.rep_id)
        warning: str | None = None
        modes: list[StreamMode] = ["messages", "updates"]
        # One checkpoint per turn, written when the turn ends (before `ask` returns): a
        # finished turn survives a kill, an unfinished one leaves the thread as it was.
        parts = self.graph.stream(
            cast(ChatState, seed),
            self.config,
            context=self.context,
            stream_mode=modes,
            durability="exit",
        )
        # A model's words pass the sanitiser like every answer: line by line as they stream
        # (a link, an image or a tag lies within a line), so nothing unclean is ever shown.
        pending = ""
        for part in parts:
            mode, payload = cast(tuple[str, Any], part)
            if mode == "messages":
                chunk, meta = payload
                node = meta.get("langgraph_node")
                if isinstance(chunk, AIMessageChunk) and node == "call_model" and chunk.text:
                    pending += chunk.text
                    done, _, pending = pending.rpartition("\n")
                    if done:
                        yield Event("token", clean_text(done) + "\n")
                elif isinstance(chunk, AIMessage) and node in ANSWER_NODES and chunk.text:
                    # a capability's markdown was cleaned when rendered; a model's words not
                    text = clean_text(chunk.text) if node == "call_model" else chunk.text
                    yield Event("answer", text)
            else:
                for update in payload.values():
                    if not isinstance(update, dict):
                        continue
                    yield from _tool_events(update)
                    if update.get("warning"):
                        warning = update["warning"]
        if pending:
            yield Event("token", clean_text(pending))
        if warning:
            yield Event("warning", warning)


def _tool_events(update: dict[str, Any]) -> Iterator[Event]:
    """The tools a step called: a model's tool calls (online), the capability the offline
    path ran; front ends show them while the answer is being prepared."""
    for message in update.get("messages") or []:
        for call in getattr(message, "tool_calls", None) or []:
            yield Event("tool", str(call.get("name", "")))
    if update.get("last_capability"):
        yield Event("tool", str(update["last_capability"]))
