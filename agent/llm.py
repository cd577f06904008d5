"""Chat model settings and the one factory that builds a client, lazily, never at import.

Any OpenAI-compatible endpoint works: OpenAI, Azure OpenAI, vLLM, Ollama, a llama.cpp server.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, SecretStr

from agent.errors import CoachError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


class ModelSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    base_url: str | None = None
    api_key: SecretStr | None = None
    temperature: float = 0.0
    timeout_s: float = 60.0
    max_retries: int = 2
    max_tokens: int | None = None

    @classmethod
    def from_env(cls, model: str | None = None) -> ModelSettings | None:
        """COACH_MODEL, COACH_MODEL_BASE_URL, COACH_MODEL_API_KEY (or the OPENAI_* ones).
        No model named means no model: the agent and the evals run offline."""
        name = model or os.environ.get("COACH_MODEL")
        if not name:
            return None
        base_url = os.environ.get("COACH_MODEL_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
        key = os.environ.get("COACH_MODEL_API_KEY") or os.environ.get("OPENAI_API_KEY")
        return cls(model=name, base_url=base_url or None, api_key=SecretStr(key) if key else None)


def chat_model(settings: ModelSettings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    key = settings.api_key
    if key is None:
        if not settings.base_url:
            raise CoachError(
                f"no API key for model '{settings.model}'",
                fix="Set COACH_MODEL_API_KEY (or OPENAI_API_KEY), or COACH_MODEL_BASE_URL for a "
                "local server that needs none",
            )
        key = SecretStr("local")  # local OpenAI-compatible servers ignore it
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=key,
        temperature=settings.temperature,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
        max_tokens=settings.max_tokens,  # type: ignore[call-arg]  # a declared field
    )
