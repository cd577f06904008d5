"""The run's settings as JSON (ContextInput), for callers outside this process, and `settings`,
which every node asks for its run's CoachContext whichever form the graph was given. Built over
CoachContext.from_env (agent/settings.py), the one way settings are loaded.
"""

from __future__ import annotations

import os
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from agent.contracts.principal import Principal
from agent.settings import CoachContext
from agent.settings_env import optional_path


class ContextInput(BaseModel):
    """The run's settings as JSON, for callers outside this process (a LangGraph server, Studio,
    a subgraph fed from JSON): what the graphs declare as their context schema. Unset fields
    come from the COACH_* environment (CoachContext.from_env), so a server honours the same
    settings as the CLI; paths are strings and an empty `outbox`/`memory`/`win_model` switches
    it off, as in the environment. Unknown keys are ignored rather than refused because a
    LangGraph server mirrors its own configurable keys (thread_id, graph_id ...) into the
    context of a run that names none."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    workspace: str | None = Field(default=None, description="The workspace folder.")
    knowledge_dirs: tuple[str, ...] = Field(
        default=(), description="Extra knowledge folders, after COACH_KNOWLEDGE_DIRS."
    )
    index_dir: str | None = Field(default=None, description="Where the knowledge index lives.")
    chroma_url: str | None = None
    outbox: str | None = Field(default=None, description="Events file; empty: none.")
    memory: str | None = Field(default=None, description="Long-term memory file; empty: none.")
    win_model: str | None = Field(default=None, description="Calibrated model; empty: none.")
    default_process: str | None = None
    default_methodology: str | None = None
    max_alternatives: int | None = Field(default=None, ge=0, le=10)
    max_guidance: int | None = Field(default=None, ge=0, le=10)
    principal: str | None = Field(default=None, description="Who asks: `[tenant/]id`.")
    link_hosts: tuple[str, ...] | None = None

    def resolve(self) -> CoachContext:
        """The CoachContext these settings mean, over the environment's (cached per value and
        environment: every node of a run asks)."""
        return _resolve(self, _environment())


def _environment() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("COACH_")))


@lru_cache(maxsize=32)
def _resolve(given: ContextInput, environment: tuple[tuple[str, str], ...]) -> CoachContext:
    del environment  # part of the cache key: a changed environment is read again
    base = CoachContext.from_env(
        Path(given.workspace) if given.workspace else None,
        tuple(Path(p) for p in given.knowledge_dirs),
        Path(given.index_dir) if given.index_dir else None,
    )
    plain = ("chroma_url", "default_process", "default_methodology", "max_alternatives")
    changes: dict[str, object] = {
        name: getattr(given, name)
        for name in (*plain, "max_guidance")
        if getattr(given, name) is not None
    }
    changes |= {  # paths: empty switches it off, as in the environment
        name: optional_path(getattr(given, name), Path())
        for name in ("outbox", "memory", "win_model")
        if getattr(given, name) is not None
    }
    if given.principal is not None:
        changes["principal"] = (
            Principal.parse(given.principal, where="context.principal")
            if given.principal.strip()
            else None
        )
    if given.link_hosts is not None:
        changes["link_hosts"] = tuple(h.strip() for h in given.link_hosts if h.strip())
    return replace(base, **changes) if changes else base  # type: ignore[arg-type]


def settings(context: CoachContext | ContextInput | None) -> CoachContext:
    """The run's settings: a CoachContext as given (in-process callers), JSON settings over the
    environment's (a server or Studio: see ContextInput); defaults when the graph is invoked
    without a context (for example as a subgraph)."""
    if isinstance(context, ContextInput):
        return context.resolve()
    return context if context is not None else CoachContext()
