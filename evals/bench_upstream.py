"""Upstream agents over HTTP under faults: every sample deal, every section from a stub agent
on loopback, each section's agent misbehaving in its own way (slow, 5xx, malformed JSON, a
body that breaks the contract, a dropped connection, a flaky one that recovers).

    python -m evals.bench_upstream [--out FILE.json]

Counts the faults injected, the sections degraded (missing with a reason), the sections read
half or wrongly, the crashes and the answers failing their grounding check (those three must
be 0); then the warm cost of a next best action with all eight sections over HTTP (cached)
against the same from files.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from agent.contracts import CoachingRequest
from agent.contracts.context import SECTION_PURPOSE
from agent.resources import sample_workspace
from agent.service import coach
from agent.settings import CoachContext
from evals.upstream_stub import Agent, serve
from tools.sources import WorkspaceSource
from tools.upstream.client import UpstreamClient
from tools.upstream.config import load_upstream
from tools.upstream.source import UpstreamSource

MODES = {
    "risk": "ok",
    "qualification": "slow",
    "discovery": "fail",
    "argumentation": "malformed",
    "competitive": "invalid",
    "analytics": "drop",
    "value": "flaky",
    "process": "ok",
}
FAULTY = {"slow", "fail", "malformed", "invalid", "drop"}


def _bodies(files: WorkspaceSource) -> dict[str, Any]:
    bodies = {}
    for deal_id in files.deal_ids():
        for section in SECTION_PURPOSE:
            value = files.get_section(deal_id, section)
            if value is not None:
                bodies[f"{section}/{deal_id}"] = value.model_dump(mode="json", exclude_none=True)
    return bodies


def _config(agent: Agent, folder: Path, modes: dict[str, str]) -> Path:
    agents = {
        s: {"url": agent.url(mode, s), "timeout_s": 0.2, "retries": 1, "backoff_s": 0.05}
        for s, mode in modes.items()
    }
    path = folder / f"upstream-{len(list(folder.iterdir()))}.yaml"
    path.write_text(yaml.safe_dump({"agents": agents}))
    return path


def faults(agent: Agent, folder: Path, files: WorkspaceSource) -> dict[str, Any]:
    source = UpstreamSource(files, UpstreamClient(load_upstream(_config(agent, folder, MODES))))
    counts = {"deals": 0, "sections_expected": 0, "degraded": 0, "served": 0, "wrong": 0}
    counts |= {"crashes": 0, "grounding_failed": 0, "answers_naming_the_reason": 0}
    config = _config(agent, folder, MODES)
    for deal_id in files.deal_ids():
        counts["deals"] += 1
        ctx = source.load_context(deal_id)
        for section, mode in MODES.items():
            expected = files.get_section(deal_id, section)
            got = getattr(ctx, section)
            if expected is None:
                continue
            counts["sections_expected"] += 1
            if mode in FAULTY:
                counts["degraded"] += got is None and section in ctx.unavailable
                counts["wrong"] += got is not None
            else:
                counts["served"] += got == expected
                counts["wrong"] += got != expected
        try:
            response = coach(
                CoachingRequest(capability="next_best_action", deal_id=deal_id),
                CoachContext(workspace=files.root, upstream=config),
            )
        except Exception:  # noqa: BLE001 (counted: must be 0)
            counts["crashes"] += 1
            continue
        counts["grounding_failed"] += not response.check.passed
        reasons = {m.section for m in response.missing_inputs if m.reason}
        counts["answers_naming_the_reason"] += all(
            s in reasons for s, m in MODES.items() if m in FAULTY and files.get_section(deal_id, s)
        )
    counts["faults_injected"] = sum(agent.hits[m] for m in FAULTY) + min(agent.hits["flaky"], 1)
    return counts


def overhead(agent: Agent, folder: Path, files: WorkspaceSource, runs: int) -> dict[str, Any]:
    """Warm milliseconds per next best action: all sections from files, then over HTTP with
    fresh cached answers (the per-request cost of the overlay, not of the network)."""
    config = _config(agent, folder, dict.fromkeys(SECTION_PURPOSE, "ok"))
    settings = {
        "files_ms": CoachContext(workspace=files.root),
        "http_cached_ms": CoachContext(workspace=files.root, upstream=config),
    }
    times: dict[str, list[float]] = {name: [] for name in settings}
    request = CoachingRequest(capability="next_best_action", deal_id="D-1003")
    for i in range(runs + 2):  # alternating rounds, so a busy moment costs both alike
        for name, chosen in settings.items():
            started = time.perf_counter()
            coach(request, chosen)
            if i >= 2:
                times[name].append((time.perf_counter() - started) * 1000)
    result: dict[str, Any] = {k: round(statistics.median(v), 1) for k, v in times.items()}
    result["ratio"] = round(result["http_cached_ms"] / result["files_ms"], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    files = WorkspaceSource(sample_workspace())
    with (
        tempfile.TemporaryDirectory() as tmp,
        serve(Agent(bodies=_bodies(files), flaky=1)) as agent,
    ):
        started = time.perf_counter()
        report = {"faults": faults(agent, Path(tmp), files)}
        report["faults"]["seconds"] = round(time.perf_counter() - started, 1)
        report["overhead"] = overhead(agent, Path(tmp), files, args.runs)
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
