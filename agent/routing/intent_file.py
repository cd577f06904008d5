"""The intents file: every capability's example messages and the chat's own, parsed once.

Both classifiers (intent.py's TF-IDF neighbours, embedded.py's sentence embeddings) learn from
the same IntentFile; it is read again only when one of its files changes (issue 18).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.resources import routing_intents

INTENTS_FILE = routing_intents()


class IntentSpec(BaseModel):
    """One intent: a capability (declared in its folder) or one of the chat's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    needs: Literal["deal", "rep", "nothing"]
    try_: str = Field(alias="try")
    utterances: list[str] = Field(min_length=3)


class IntentFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(gt=0, lt=1)
    # The embedding classifier's threshold (agent/routing/embedded.py): cosines run higher.
    embedding_threshold: float = Field(default=0.3, gt=0, lt=1)
    intents: dict[str, IntentSpec]


def load_intents(path: Path = INTENTS_FILE) -> IntentFile:
    """Every capability's intents (its folder's intents.yaml, with its title and scope), then
    the chat's own (help, small talk, follow-ups) from `path`. Parsed once per version of the
    files: the router asks on every request without a capability, and parsing the YAML costs
    tens of milliseconds (issue 18)."""
    from agent.capabilities.registry import registry

    files = [path, *(spec.intents_file for spec in registry().values())]
    return _parsed_intents(path, tuple(_stamp(f) for f in files))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _parsed_intents(path: Path, stamps: tuple[tuple[int, int] | None, ...]) -> IntentFile:
    """`stamps` only keys the cache: a changed file is read again."""
    from agent.capabilities.registry import registry

    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    own = data.get("intents", {})
    intents: dict[str, Any] = {}
    for spec in registry().values():
        if spec.draft is None or not spec.intents_file.is_file():
            continue  # a live capability is not asked for by a message
        examples: Any = yaml.safe_load(spec.intents_file.read_text(encoding="utf-8"))
        intents[spec.name] = {"title": spec.title, "needs": spec.scope, **examples}
    return IntentFile.model_validate({**data, "intents": {**intents, **own}})
