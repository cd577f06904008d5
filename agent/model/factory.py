"""Chat model settings and the one factory that builds a client, lazily, never at import.

Any OpenAI-compatible endpoint works: OpenAI, Azure OpenAI, vLLM, Ollama, a llama.cpp server.
Settings come from, in order of precedence: explicit arguments, COACH_MODEL* environment
variables, the `[model]` table of a TOML config file (COACH_CONFIG, else ./coach.toml), and the
defaults below. No model named anywhere means no model: the template composer, offline.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from agent.errors import CoachError, InvalidInput

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

StructuredMethod = Literal["function_calling", "json_schema", "json_mode"]
DEFAULT_CONFIG = Path("coach.toml")
# Environment variable -> setting. COACH_* wins over the OPENAI_* names.
ENV_NAMES: dict[str, tuple[str, ...]] = {
    "model": ("COACH_MODEL",),
    "base_url": ("COACH_MODEL_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("COACH_MODEL_API_KEY", "OPENAI_API_KEY"),
    "temperature": ("COACH_MODEL_TEMPERATURE",),
    "timeout_s": ("COACH_MODEL_TIMEOUT",),
    "max_retries": ("COACH_MODEL_MAX_RETRIES",),
    "max_output_tokens": ("COACH_MODEL_MAX_OUTPUT_TOKENS",),
    "context_window": ("COACH_MODEL_CONTEXT_WINDOW",),
    "request_token_cap": ("COACH_MODEL_REQUEST_TOKEN_CAP",),
    "structured_output": ("COACH_MODEL_STRUCTURED_OUTPUT",),
    "tokenizer_factor": ("COACH_MODEL_TOKENIZER_FACTOR",),
    "legacy_max_tokens": ("COACH_MODEL_LEGACY_MAX_TOKENS",),
    "reader": ("COACH_MODEL_READER",),
}


class ModelSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(min_length=1)
    base_url: str | None = None
    api_key: SecretStr | None = None
    temperature: float = Field(default=0.0, ge=0, le=2)
    timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0)
    max_output_tokens: int = Field(default=4096, gt=0, description="Completion tokens per call.")
    context_window: int = Field(default=16384, gt=0, description="The model's context, tokens.")
    request_token_cap: int = Field(
        default=12000, gt=0, description="Most prompt tokens one request may send."
    )
    structured_output: StructuredMethod = Field(
        default="function_calling",
        description="How the same schema is asked for: function calling works on every "
        "OpenAI-compatible server; json_schema where the server supports it.",
    )
    tokenizer_factor: float = Field(
        default=1.0,
        gt=0,
        description="The model's prompt tokens per tiktoken token: 1.0 for OpenAI models; "
        "measure it for others (about 1.8 for SmolLM2 on a llama.cpp server).",
    )
    legacy_max_tokens: bool = Field(
        default=False,
        description="Also send `max_tokens`, for servers that ignore `max_completion_tokens` "
        "(llama.cpp's).",
    )
    reader: bool = Field(
        default=True,
        description="Also read the deal's free text with the model (one structured call per "
        "request, every fact verified in code); false: the rules alone read it.",
    )

    @property
    def prompt_budget(self) -> int:
        """Prompt tokens one call may use, counted with tiktoken: what the context leaves after
        the answer, capped per request, scaled to the model's tokenizer."""
        room = min(self.context_window - self.max_output_tokens, self.request_token_cap)
        return int(room / self.tokenizer_factor)

    @classmethod
    def load(
        cls,
        model: str | None = None,
        base_url: str | None = None,
        config: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ModelSettings | None:
        env = os.environ if environ is None else environ
        path = config or Path(env.get("COACH_CONFIG") or DEFAULT_CONFIG)
        named = config is not None or bool(env.get("COACH_CONFIG"))
        values: dict[str, Any] = _config_file(path, required=named)
        for name, variables in ENV_NAMES.items():
            found = next((env[v] for v in variables if env.get(v)), None)
            if found is not None:
                values[name] = found
        if model:
            values["model"] = model
        if base_url:
            values["base_url"] = base_url
        if not values.get("model"):
            return None
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidInput(
                f"model setting '{where}': {first['msg']}", where=f"{path} or COACH_MODEL_*"
            ) from None

    @classmethod
    def from_env(cls, model: str | None = None) -> ModelSettings | None:
        """Kept for callers that only name a model (the eval judge)."""
        return cls.load(model=model)


def _config_file(path: Path, required: bool) -> dict[str, Any]:
    """The `[model]` table of a TOML file; a missing default file is simply no settings."""
    if not path.is_file():
        if required:
            raise InvalidInput("config file not found", where=str(path))
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"not valid TOML: {exc}", where=str(path)) from None
    table = data.get("model", {})
    if not isinstance(table, dict):
        raise InvalidInput("[model] must be a table", where=str(path))
    return dict(table)


@lru_cache(maxsize=8)
def chat_model(settings: ModelSettings) -> BaseChatModel:
    """One client per distinct settings, built on first use."""
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
        max_tokens=settings.max_output_tokens,  # type: ignore[call-arg]  # a declared field
        extra_body={"max_tokens": settings.max_output_tokens}
        if settings.legacy_max_tokens
        else None,
    )


def unreachable(exc: BaseException) -> bool:
    """The endpoint cannot answer this request at all (no key, refused, timed out): a second
    call in the same request would fail the same way, after the same wait."""
    import openai

    return isinstance(
        exc,
        openai.APITimeoutError
        | TimeoutError
        | openai.APIConnectionError
        | openai.AuthenticationError
        | openai.PermissionDeniedError
        | CoachError,
    )


def describe_error(exc: BaseException, settings: ModelSettings | None) -> str:
    """One line a user can act on, for the errors a model endpoint produces."""
    import openai

    where = (settings.base_url if settings else None) or "the endpoint"
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        limit = f" after {settings.timeout_s:g} s" if settings else ""
        return f"the model timed out{limit}"
    if isinstance(exc, openai.APIConnectionError):
        return f"could not reach {where}"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return f"{where} rejected the API key (HTTP {exc.status_code})"
    if isinstance(exc, openai.APIStatusError):
        return f"{where} answered HTTP {exc.status_code}: {str(exc.message)[:160]}"
    if isinstance(exc, CoachError):
        return str(exc)
    return f"{type(exc).__name__}: {str(exc)[:160]}"
