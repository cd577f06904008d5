"""The next-best-action plays: authored knowledge whose front matter says when each applies."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, field_validator

from agent.contracts.base import Level, Timing
from agent.contracts.upstream import Phase
from agent.resources import plays_dir
from knowledge.documents import Document, FrontMatter, load_folder

PLAYS_DIR = plays_dir()
PLAY_SECTIONS = (
    "when-it-applies",
    "what-to-do",
    "expected-outcome",
    "success-criteria",
    "why-it-matters",
    "if-it-is-not-feasible",
)


class PlayFrontMatter(FrontMatter):
    type: Literal["play"]
    stages: list[str] = Field(min_length=1)
    requires_any: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    signals: dict[str, float] = Field(min_length=1)
    timing: Timing
    effort: Level
    effort_hours: float = Field(gt=0)
    who: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    success_prior: float = Field(gt=0, lt=1)
    fallback: bool = False

    @field_validator("stages")
    @classmethod
    def _known_phases(cls, stages: list[str]) -> list[str]:
        unknown = [s for s in stages if s not in get_args(Phase)]
        if unknown:
            raise ValueError(f"unknown phase(s) {unknown}; phases: {', '.join(get_args(Phase))}")
        return stages


@dataclass(frozen=True)
class Play:
    meta: PlayFrontMatter
    doc: Document

    @property
    def id(self) -> str:
        return self.meta.id

    def text(self, anchor: str) -> str:
        section = self.doc.section(anchor)
        return section.text if section else ""

    def ref(self, anchor: str) -> str:
        return self.doc.ref(anchor)


def _check_play(doc: Document, known_signals: frozenset[str]) -> Play:
    from agent.errors import InvalidInput

    meta = PlayFrontMatter.model_validate(doc.meta)
    missing = [a for a in PLAY_SECTIONS if doc.section(a) is None]
    if missing:
        raise InvalidInput(
            f"missing section(s) {', '.join(missing)}",
            where=str(doc.path),
            fix="Plays need: " + ", ".join(PLAY_SECTIONS),
        )
    named = set(meta.requires_any) | set(meta.unless) | set(meta.signals)
    unknown = sorted(named - known_signals)
    if unknown:
        raise InvalidInput(
            f"unknown signal(s) {', '.join(unknown)}",
            where=f"{doc.path} front matter",
            fix="Use signals from agent/analysis/signals.py: " + ", ".join(sorted(known_signals)),
        )
    return Play(meta, doc)


@lru_cache(maxsize=8)
def load_plays(folder: Path = PLAYS_DIR) -> tuple[Play, ...]:
    """Loaded once per process: plays change with releases, not between requests."""
    from agent.contracts.signals import SIGNAL_LABELS

    docs = load_folder(folder, PlayFrontMatter)
    return tuple(_check_play(doc, frozenset(SIGNAL_LABELS)) for doc in docs)


@lru_cache(maxsize=8)
def plays_by_id(folder: Path = PLAYS_DIR) -> dict[str, Document]:
    """Knowledge documents the agent may cite, keyed by id (the plays, for now)."""
    return {play.id: play.doc for play in load_plays(folder)}
