"""A scripted chat model for judge and graph tests: `with_structured_output` hands back queued
answers (pydantic objects; a string is output that fails to parse; an exception is raised) and
records the prompts and the structured-output options it was given. `bind_tools` returns the
model itself, so code that binds tools can run against it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, PrivateAttr

USAGE = {"input_tokens": 120, "output_tokens": 40, "total_tokens": 160}


class ScriptedModel(BaseChatModel):
    _queue: list[Any] = PrivateAttr(default_factory=list)
    _prompts: list[str] = PrivateAttr(default_factory=list)
    _options: list[dict[str, Any]] = PrivateAttr(default_factory=list)

    def script(self, *answers: Any) -> ScriptedModel:
        self._queue.extend(answers)
        return self

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
