"""The relay's configuration file (COACH_RELAY or `coach relay --config`): one entry per
downstream consumer. Validated in full before anything is sent, so a misspelt key or a missing
secret is one message at start-up instead of events dead-lettered later.

```yaml
outbox: /path/events.jsonl      # optional; default: the coach's outbox (COACH_OUTBOX)
poll_seconds: 1.0               # how often a running relay looks for new events
cursor_seconds: 0.5             # save each cursor at most this often (0: after every event)
consumers:
  - name: deal-acceleration     # letters, digits, - and _: names the cursor file
    url: https://deals.example.com/hooks/coach
    secret_env: DEAL_HOOK_SECRET  # or `secret: ...` (keep it out of version control)
    events: [closing_strategy_guidance]   # optional; default: every event type
    timeout_seconds: 10
    max_attempts: 8             # then the event goes to the dead-letter file
    backoff_seconds: 0.5        # first retry's delay, doubled each time, with full jitter
    max_backoff_seconds: 60
```
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Self, get_args

from pydantic import Field, HttpUrl, field_validator, model_validator

from agent.contracts.base import Contract
from agent.contracts.events import EventPayload
from agent.errors import InvalidInput
from agent.intake import LIMITS, parse_document, read_text

# The payload types, read from the event contract (one place names them).
EVENT_TYPES = tuple(
    str(model.model_fields["type"].default) for model in get_args(get_args(EventPayload)[0])
)
ENV_VAR = "COACH_RELAY"


class Consumer(Contract):
    """One downstream agent's webhook."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
    url: HttpUrl
    secret: str | None = Field(default=None, min_length=16, repr=False)
    secret_env: str | None = Field(default=None, description="Environment variable holding it.")
    events: list[str] | None = Field(default=None, description="None: every type.")
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    max_attempts: int = Field(default=8, ge=1, le=100)
    backoff_seconds: float = Field(default=0.5, ge=0, le=3600)
    max_backoff_seconds: float = Field(default=60.0, ge=0, le=86_400)

    @field_validator("events")
    @classmethod
    def _known_types(cls, value: list[str] | None) -> list[str] | None:
        unknown = sorted(set(value or ()) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event type {unknown[0]!r}; known: {', '.join(EVENT_TYPES)}")
        return value

    @model_validator(mode="after")
    def _one_secret(self) -> Self:
        if (self.secret is None) == (self.secret_env is None):
            raise ValueError("give exactly one of `secret` and `secret_env`")
        return self

    def key(self) -> bytes:
        """The HMAC key, read from the environment when named there (at start-up: a missing
        variable fails `load`, not the first delivery)."""
        if self.secret is not None:
            return self.secret.encode("utf-8")
        value = os.environ.get(self.secret_env or "", "")
        if len(value) < 16:
            raise InvalidInput(
                f"consumer '{self.name}': ${self.secret_env} is unset or under 16 characters",
                fix="Set it to the secret the receiver checks signatures with",
            )
        return value.encode("utf-8")

    def wants(self, event_type: str) -> bool:
        return self.events is None or event_type in self.events


class RelayConfig(Contract):
    outbox: Path | None = None
    poll_seconds: float = Field(default=1.0, gt=0, le=3600)
    cursor_seconds: float = Field(
        default=0.5, ge=0, le=60, description="Save each cursor at most this often (0: always)."
    )
    consumers: list[Consumer] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        names = [c.name for c in self.consumers]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"consumer names must be unique; repeated: {', '.join(twice)}")
        return self


def load(path: Path) -> RelayConfig:
    """The validated file; every problem is one InvalidInput naming the file and the field."""
    from tools.workspace_files import validate_file

    if not path.is_file():
        raise InvalidInput(
            "no relay configuration file", where=str(path), fix=f"Create it or set ${ENV_VAR}"
        )
    data = parse_document(read_text(path, LIMITS.deal_file, "relay configuration"), str(path))
    config = validate_file(RelayConfig, data, str(path))
    assert isinstance(config, RelayConfig)
    for consumer in config.consumers:
        try:
            consumer.key()
        except InvalidInput as exc:
            raise InvalidInput(exc.what, where=str(path), fix=exc.fix) from None
    return config
