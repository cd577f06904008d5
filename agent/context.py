"""Run-time settings, passed to the graph as its typed context (never read inside nodes from
the environment). `from_env` is the one place environment variables are read."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.plays import PLAYS_DIR

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_WORKSPACE = REPO_ROOT / "sample_workspace"


@dataclass(frozen=True)
class CoachContext:
    workspace: Path = field(default=SAMPLE_WORKSPACE)
    plays_dir: Path = field(default=PLAYS_DIR)
    max_alternatives: int = 2

    @classmethod
    def from_env(cls, workspace: Path | None = None) -> CoachContext:
        """CLI and servers: explicit arguments win, then COACH_WORKSPACE, then the sample."""
        chosen = workspace or Path(os.environ.get("COACH_WORKSPACE") or SAMPLE_WORKSPACE)
        return cls(workspace=chosen.expanduser().resolve())


def settings(context: CoachContext | None) -> CoachContext:
    """The run's settings; defaults when the graph is invoked without a context (for example
    by a LangGraph server or as a subgraph)."""
    return context if context is not None else CoachContext()
