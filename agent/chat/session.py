"""A chat session: the chat graph compiled with LangGraph's SQLite checkpointer (a thread per
rep and deal, resumable after a restart), and one turn streamed as events a front end shows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import StreamMode

from agent.chat.context import ChatContext, thread_id
from agent.chat.graph import builder
from agent.chat.state import ChatState
from agent.memory import sqlite_connection

ANSWER_NODES = frozenset({"start_turn", "call_model", "run_capability", "explain_capabilities"})


def open_checkpointer(path: Path) -> SqliteSaver:
    """WAL and a busy timeout, so two terminals (or a CLI and a server) share the file."""
    saver = SqliteSaver(sqlite_connection(path))
    saver.setup()
    return saver


@dataclass(frozen=True)
class Event:
    kind: Literal["token", "answer", "warning"]
    text: str


class ChatSession:
    def __init__(
        self,
        context: ChatContext,
        checkpointer: SqliteSaver,
        *,
        deal_id: str | None = None,
        rep_id: str | None = None,
    ) -> None:
        self.context = context
        self.checkpointer = checkpointer
        self.graph = builder.compile(checkpointer=checkpointer, name="sales-chat")
        self.thread = thread_id(rep_id, deal_id, context.coach.principal)
        self.config: Any = {"configurable": {"thread_id": self.thread}}
        self.deal_id, self.rep_id = deal_id, rep_id

    def forget(self) -> None:
        """Start this rep's conversation about this deal afresh."""
        self.checkpointer.delete_thread(self.thread)

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.graph.get_state(self.config).values)

    def turns(self) -> int:
        return sum(isinstance(m, HumanMessage) for m in self.values.get("messages", []))

    def ask(self, message: str) -> Iterator[Event]:
        """One turn: model tokens as they come (online), whole answers otherwise, then the
        turn's warning if it had one."""
        seed: dict[str, Any] = {"messages": [HumanMessage(message)]}
        if not self.values:  # a new thread starts with the deal and rep it was opened for
            seed.update(deal_id=self.deal_id, rep_id=self.rep_id)
        warning: str | None = None
        modes: list[StreamMode] = ["messages", "updates"]
        parts = self.graph.stream(
            cast(ChatState, seed), self.config, context=self.context, stream_mode=modes
        )
        for part in parts:
            mode, payload = cast(tuple[str, Any], part)
            if mode == "messages":
                chunk, meta = payload
                node = meta.get("langgraph_node")
                if isinstance(chunk, AIMessageChunk) and node == "call_model" and chunk.text:
                    yield Event("token", chunk.text)
                elif isinstance(chunk, AIMessage) and node in ANSWER_NODES and chunk.text:
                    yield Event("answer", chunk.text)
            else:
                for update in payload.values():
                    if isinstance(update, dict) and update.get("warning"):
                        warning = update["warning"]
        if warning:
            yield Event("warning", warning)
