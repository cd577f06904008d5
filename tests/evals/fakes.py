"""Scripted chat models. `ScriptedModel`, for judge and composer tests: `with_structured_output`
hands back queued answers (pydantic objects; a string is output that fails to parse; an
exception is raised) and records the prompts and options it was given. The model reader's call
(agent/reading/reader.py), which every deal request with a model makes first, answers from its
own queue (`reads`), no facts when none is scripted, so tests of later calls need not script
it. `ScriptedChatModel`, for tool-calling graphs: `bind_tools` works and each call returns the
next queued reply or raises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, PrivateAttr

from agent.reading.verify import ProposedReading

USAGE = {"input_tokens": 120, "output_tokens": 40, "total_tokens": 160}


class ScriptedModel(BaseChatModel):
    _queue: list[Any] = PrivateAttr(default_factory=list)
    _prompts: list[str] = PrivateAttr(default_factory=list)
    _options: list[dict[str, Any]] = PrivateAttr(default_factory=list)
    _reads: list[Any] = PrivateAttr(default_factory=list)
    _read_prompts: list[str] = PrivateAttr(default_factory=list)

    def script(self, *answers: Any) -> ScriptedModel:
        self._queue.extend(answers)
        return self

    def reads(self, *answers: Any) -> ScriptedModel:
        """Answers to the model reader's calls: a ProposedReading, or an exception to raise."""
        self._reads.extend(answers)
        return self

    @property
    def read_prompts(self) -> list[str]:
        return self._read_prompts

    @property
    def prompts(self) -> list[str]:
        return self._prompts

    @property
    def options(self) -> list[dict[str, Any]]:
        """Per with_structured_output call: the schema and keyword arguments."""
        return self._options

    @property
    def pending(self) -> int:
        return len(self._queue)

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

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedModel:  # type: ignore[override]
        return self

    def with_structured_output(  # type: ignore[override]
        self, schema: Any, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[Any, Any]:
        if schema is ProposedReading:
            return RunnableLambda(lambda prompt: self._read(prompt, include_raw))
        self._options.append({"schema": schema, "include_raw": include_raw, **kwargs})

        def answer(prompt: Any) -> Any:
            self._prompts.append(prompt.to_string())
            item = self._queue.pop(0)
            if isinstance(item, BaseException):
                raise item
            if (
                isinstance(item, BaseModel)
                and isinstance(schema, type)
                and not isinstance(item, schema)
            ):  # a full result scripted for a narrower schema: what a model would return
                item = schema.model_validate(item.model_dump())
            if not include_raw:
                return item
            if isinstance(item, BaseModel):
                raw = AIMessage(content="", usage_metadata=USAGE)  # type: ignore[arg-type]
                return {"raw": raw, "parsed": item, "parsing_error": None}
            raw = AIMessage(content=str(item), usage_metadata=USAGE)  # type: ignore[arg-type]
            return {"raw": raw, "parsed": None, "parsing_error": ValueError(f"not JSON: {item}")}

        return RunnableLambda(answer)

    def _read(self, prompt: Any, include_raw: bool) -> Any:
        self._read_prompts.append(prompt.to_string())
        item = self._reads.pop(0) if self._reads else ProposedReading()
        if isinstance(item, BaseException):
            raise item
        if not include_raw:
            return item
        raw = AIMessage(content="", usage_metadata=USAGE)  # type: ignore[arg-type]
        return {"raw": raw, "parsed": item, "parsing_error": None}


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
