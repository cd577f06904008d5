"""Where the agent finds what it ships (the sample workspace, prompts) and where it keeps what
it writes (the knowledge index, memory, the outbox): one place, so a checkout and an installed
package answer the same way."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def sample_workspace() -> Path:
    """The shipped sample workspace: 14 fictional deals of Brightwell Systems."""
    return REPO_ROOT / "sample_workspace"


def prompts_dir() -> Path:
    return REPO_ROOT / "prompts"


def state_dir() -> Path:
    """Where the index, memory and outbox live unless settings say otherwise."""
    return REPO_ROOT / ".coach"
