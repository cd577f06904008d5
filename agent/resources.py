"""Where the agent finds what it ships and where it keeps what it writes: one place, so a
checkout and an installed wheel answer the same way.

Shipped data (the knowledge, the prompts, the routing intents, the sample workspace, the eval
cases) sits inside the installed packages and is found through `importlib.resources`, so it is
wherever the code is: the checkout's own folders for an editable install or a source run,
site-packages for a wheel. No path is relative to the current directory or to a repository.
(A capability's template and intents sit in its own folder, found from its module by
`agent.capabilities.registry`, because a capability may live outside this package.)

State (the knowledge index, long-term memory, the outbox, eval runs, calibrated models) is
written under one folder, `state_dir()`: `$COACH_HOME` when set; else `.coach/` in a checkout,
so developers and CI keep the layout they have; else the user's data folder (platformdirs:
`~/.local/share/sales-coach` on Linux). Never site-packages: an installed package is read-only
data, and a reinstall would lose what was written there. What can be rebuilt from shipped data
at any time is a cache, kept apart in `cache_dir()` (`~/.cache/sales-coach`).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

APP_NAME = "sales-coach"
# The folder above the `agent` package: the checkout's root when running from source.
SOURCE_ROOT = Path(__file__).resolve().parent.parent
STATE_FOLDER = ".coach"


class ResourceError(RuntimeError):
    """A shipped folder that cannot be read as a folder: a broken or zipped installation."""


def package_dir(package: str) -> Path:
    """The folder on disk of one of this project's packages, where its shipped data sits.

    Everything downstream (Jinja's loader, the workspace reader, glob over knowledge files)
    needs a real folder; pip always installs unpacked, so anything else is a broken install
    and is said so rather than failing later with a confusing missing-file error."""
    found = files(package)
    if not isinstance(found, Path) or not found.is_dir():
        raise ResourceError(
            f"the package '{package}' is not a folder on disk ({found!r}): reinstall sales-coach "
            "with pip (zipped installs are not supported)"
        )
    return found.resolve()


def knowledge_dir() -> Path:
    """The shipped knowledge: plays, methodology, objections, battle cards, proof points,
    process and skills, markdown with front matter."""
    return package_dir("knowledge")


def plays_dir() -> Path:
    """The next-best-action plays (part of the shipped knowledge)."""
    return knowledge_dir() / "plays"


def prompts_dir() -> Path:
    """The model prompts (`prompts/<name>.md`), a package of their own at the top level."""
    return package_dir("prompts")


def routing_intents() -> Path:
    """The chat's own intents (help, small talk, follow-ups); capabilities bring theirs."""
    return package_dir("agent.routing") / "intents.yaml"


def sample_workspace() -> Path:
    """The shipped sample workspace: 14 fictional deals of Brightwell Systems."""
    return package_dir("sample_workspace")


def evals_dir() -> Path:
    """The eval package's data: cases/, thresholds.yaml, judge_calibration/, workspaces/,
    retrieval/ and maven_mapping.yaml, so `coach eval` runs from a wheel too."""
    return package_dir("evals")


def is_checkout() -> bool:
    """Running from this project's source tree (editable install, CI, a plain checkout) rather
    than from an installed wheel: the folder above `agent` is the project's root."""
    pyproject = SOURCE_ROOT / "pyproject.toml"
    try:
        return f'name = "{APP_NAME}"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return False


def installed_data(path: Path) -> bool:
    """Whether a path lies inside an installed copy of the shipped data (the sample workspace
    in site-packages, say): read-only for the agent, since a reinstall replaces it and it is
    not the user's. In a checkout those folders are the developer's own files."""
    if is_checkout():
        return False
    target = path.expanduser().resolve()
    packages = ("agent", "knowledge", "prompts", "sample_workspace", "evals", "tools")
    return any(target.is_relative_to(package_dir(p)) for p in packages)


def state_dir() -> Path:
    """Where the index, memory, outbox, eval runs and calibrated models live unless a more
    specific setting moves one of them (COACH_INDEX_DIR, COACH_MEMORY, COACH_OUTBOX, --out).

    Read at call time, so one process can be pointed elsewhere (tests, an embedding app)."""
    home = os.environ.get("COACH_HOME")
    if home:
        return Path(home).expanduser().resolve()
    if is_checkout():
        return SOURCE_ROOT / STATE_FOLDER
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Where what can be rebuilt from shipped data is kept (`$XDG_CACHE_HOME/sales-coach`, else
    `~/.cache/sales-coach`): deleting it only makes the next start slower."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP_NAME
