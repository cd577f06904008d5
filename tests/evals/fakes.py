"""Scripted chat models. `ScriptedModel`, for judge tests: `with_structured_output` hands back
queued verdicts and records the prompts it was given. `ScriptedChatModel`, for tool-calling
graphs: `bind_tools` works and each call returns the next queued reply or raises."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import PrivateAttr


class ScriptedModel(BaseChatModel):
    _queue: list[Any] = PrivateAttr(default_factory=list)
    _prompts: list[str] = PrivateAttr(default_factory=list)

    def script(self, *verdicts: Any) -> ScriptedModel:
        self._queue.extend(verdicts)
        return self

    @property
    def prompts(self) -> list[str]:
        return self._prompts

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=""))])

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Runnable[Any, Any]:  # type: ignore[override]
        def answer(prompt: Any) -> Any:
            self._prompts.append(prompt.to_string())
            return self._queue.pop(0)

        return RunnableLambda(answer)


class ScriptedChatModel(ScriptedModel):
    """A scripted model for tool-calling graphs: `bind_tools` returns the model itself (and
    records the tool names it was offered); each call hands back the next queued reply, an
    `AIMessage` (with or without tool calls) or an exception to raise."""

    _replies: list[AIMessage | BaseException] = PrivateAttr(default_factory=list)
    _tools: list[str] = PrivateAttr(default_factory=list)
    _calls: list[list[BaseMessage]] = PrivateAttr(default_factory=list)

    def reply(self, *replies: AIMessage | BaseException) -> ScriptedChatModel:
        self._replies.extend(replies)
        return self

    @property
    def bound_tools(self) -> list[str]:
        return self._tools

    @property
    def calls(self) -> list[list[BaseMessage]]:
        return self._calls

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:  # type: ignore[override]
        self._tools = [getattr(t, "name", str(t)) for t in tools]
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        self._calls.append(list(messages))
        if not self._replies:
            raise AssertionError("the scripted model has no reply left")
        nxt = self._replies.pop(0)
        if isinstance(nxt, BaseException):
            raise nxt
        return ChatResult(generations=[ChatGeneration(message=nxt)])


def tool_call(name: str, call_id: str = "call-1", **args: Any) -> AIMessage:
    """An AIMessage asking for one tool call."""
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id}])
