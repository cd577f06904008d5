"""Run-time settings of the chat graph (its `context_schema`): the coaching settings every
capability runs with, plus the chat model (none: offline) and the loop's limits."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pydantic import Field

from agent.model.factory import ModelSettings
from agent.settings import CoachContext
from agent.settings_json import ContextInput
from agent.stores import CHAT_DB_NAME, chat_db

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agent.contracts.principal import Principal

__all__ = ["CHAT_DB_NAME", "ChatContext", "ChatContextInput", "chat_db", "thread_id"]


@dataclass(frozen=True)
class ChatContext:
    # The coaching settings the capabilities run with. Their model settings are not used here:
    # in a chat the chat model writes the answer from the grounded drafts (see `drafts`).
    coach: CoachContext = field(default_factory=CoachContext)
    model: ModelSettings | None = None
    # A ready client instead of settings (an orchestrator's model, or a scripted one in tests).
    client: BaseChatModel | None = field(default=None, compare=False)
    max_steps: int = 6
    history_limit: int = 40

    @property
    def drafts(self) -> CoachContext:
        """Settings for the capabilities a chat turn runs: template drafts, no second model."""
        return replace(self.coach, model=None, chat_model=None)

    @property
    def online(self) -> bool:
        return self.client is not None or self.model is not None

    @property
    def model_name(self) -> str:
        if self.model is not None:
            return self.model.model
        return type(self.client).__name__ if self.client is not None else "none"


class ChatContextInput(ContextInput):
    """The chat's settings as JSON (its context schema for a LangGraph server or Studio): the
    coaching settings over the COACH_* environment, the chat model the environment names, and
    the loop's limits."""

    max_steps: int = Field(default=6, ge=1, le=20)
    history_limit: int = Field(default=40, ge=2, le=400)

    def chat(self) -> ChatContext:
        coach = self.resolve()
        return ChatContext(
            coach=coach,
            model=coach.model,
            max_steps=self.max_steps,
            history_limit=self.history_limit,
        )


def chat_settings(context: ChatContext | ChatContextInput | None) -> ChatContext:
    """The turn's settings: a ChatContext as given (the CLI, tests), JSON settings over the
    environment's (a server), else the offline defaults."""
    if isinstance(context, ChatContextInput):
        return context.chat()
    return context if context is not None else ChatContext()


def thread_id(rep_id: str | None, deal_id: str | None, principal: Principal | None = None) -> str:
    """One conversation per rep and deal, and per principal when one is given: its key
    leads (tenant/id), so one principal's thread can never be opened by another."""
    own = f"{rep_id or 'anyone'}:{deal_id or 'no-deal'}"
    return f"{principal.key}|{own}" if principal is not None else own
