"""The COACH_UPSTREAM file: which upstream agents are services, and how to call each.

    agents:
      risk:
        url: https://risk.example.com/deals/{deal_id}/risk   # {deal_id} is filled in, quoted
        protocol: json              # or a2a (JSON-RPC message/send, tools/upstream/a2a.py)
        auth_header: Authorization                           # optional
        auth_env: RISK_AGENT_TOKEN                           # the header's value, from the env
        timeout_s: 2.0
        retries: 2                  # after the first try, with exponential backoff and jitter
        fresh_for_s: 300            # an answer younger than this is reused without a call
        usable_for_s: 86400         # an older one may stand in while the agent is down
        breaker_failures: 3         # consecutive failed calls that open the circuit
        breaker_cooldown_s: 30      # then one trial call is let through (half-open)

Sections not listed stay files. A bad file is one InvalidInput naming the file and field.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from agent.contracts.base import Contract
from agent.contracts.context import SECTION_PURPOSE
from agent.errors import InvalidInput, describe_validation_error
from agent.intake import LIMITS, parse_document, read_text


class AgentEndpoint(Contract):
    """How to call one upstream agent for one deal's section."""

    url: str = Field(
        description="http(s) URL; {deal_id} is replaced, URL-quoted (json: required there)."
    )
    protocol: Literal["json", "a2a"] = Field(
        default="json",
        description="json: GET, the body is the section's object; a2a: a JSON-RPC message/send "
        "POST, the section is the answer's first data part (tools/upstream/a2a.py).",
    )
    auth_header: str | None = None
    auth_env: str | None = Field(
        default=None, description="Environment variable holding the auth header's value."
    )
    timeout_s: float = Field(default=2.0, gt=0, le=60)
    retries: int = Field(default=2, ge=0, le=10)
    backoff_s: float = Field(default=0.2, ge=0, le=30, description="First retry's base delay.")
    fresh_for_s: float = Field(default=300, ge=0)
    usable_for_s: float = Field(default=86_400, ge=0)
    breaker_failures: int = Field(default=3, ge=1, le=100)
    breaker_cooldown_s: float = Field(default=30, ge=0)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AgentEndpoint:
        if self.protocol == "json" and "{deal_id}" not in self.url:
            raise ValueError(
                "url must contain {deal_id} (the a2a protocol names it in the message)"
            )
        if (self.auth_header is None) != (self.auth_env is None):
            raise ValueError("auth_header and auth_env go together")
        if self.usable_for_s < self.fresh_for_s:
            raise ValueError("usable_for_s must be at least fresh_for_s")
        return self


class UpstreamConfig(Contract):
    agents: dict[str, AgentEndpoint] = Field(default_factory=dict)

    @field_validator("agents")
    @classmethod
    def _sections(cls, value: dict[str, AgentEndpoint]) -> dict[str, AgentEndpoint]:
        unknown = sorted(set(value) - set(SECTION_PURPOSE))
        if unknown:
            raise ValueError(
                f"unknown section(s) {', '.join(unknown)}; sections: {', '.join(SECTION_PURPOSE)}"
            )
        return value


def load_upstream(path: Path, environ: Mapping[str, str] | None = None) -> UpstreamConfig:
    """Reads and validates the file; every auth_env it names must be set (checked here, once,
    so a missing secret is a clear error rather than a 401 on every request)."""
    env = os.environ if environ is None else environ
    where = str(path)
    data = parse_document(read_text(path, LIMITS.deal_file, "upstream config"), where)
    if not isinstance(data, dict):
        raise InvalidInput("expected a mapping with 'agents'", where=where, fix="See README")
    try:
        config = UpstreamConfig.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            describe_validation_error(exc.errors()),
            where=where,
            fix="Correct the field (README: Upstream agents over HTTP)",
        ) from None
    for section, agent in config.agents.items():
        if agent.auth_env is not None and not env.get(agent.auth_env):
            raise InvalidInput(
                f"agents.{section}.auth_env: {agent.auth_env} is not set",
                where=where,
                fix=f"Export {agent.auth_env} with the agent's credential",
            )
    return config


def auth_value(agent: AgentEndpoint, environ: Mapping[str, str] | None = None) -> str | None:
    """The auth header's value, read when a call is made (never stored in the config)."""
    env = os.environ if environ is None else environ
    return env.get(agent.auth_env) if agent.auth_env else None
