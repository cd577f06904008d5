"""Performance coaching reads the rep's deals with the same upstream sources as every deal
capability: with the sections served by a stub agent on loopback instead of files, the
coaching is the one the same sections as files give; an agent that fails costs each deal that
section, named in a warning, never the answer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from agent.contracts import CoachingRequest
from agent.contracts.response import CoachingResponse
from agent.service import coach
from agent.settings import CoachContext
from evals.upstream_stub import Agent, serve
from tests.conftest import SAMPLE

REP = "rep-priya"
SECTIONS = ("risk", "qualification", "discovery", "argumentation", "competitive", "value")
SERVED = (*SECTIONS, "process")


def _process_without_steps() -> dict[str, Any]:
    """The organisation's process without exit criteria or required activities: a process of
    the deal's own (an upstream section) under which the rep misses no step."""
    process = yaml.safe_load((SAMPLE / "org" / "process.yaml").read_text())
    for stage in process["stages"]:
        stage["required_activities"] = []
        stage["exit_criteria"] = []
    return json.loads(json.dumps(process, default=str))


def _rep_deals() -> list[str]:
    deals = []
    for folder in sorted((SAMPLE / "deals").iterdir()):
        deal = yaml.safe_load((folder / "deal.yaml").read_text())
        if deal["owner"]["id"] == REP:
            deals.append(folder.name)
    return deals


def _bodies(deals: list[str]) -> dict[str, Any]:
    """Each section file of the rep's deals as its agent would answer it (JSON), and the
    step-less process for each."""
    bodies: dict[str, Any] = {f"process/{deal}": _process_without_steps() for deal in deals}
    for deal in deals:
        for section in SECTIONS:
            path = SAMPLE / "deals" / deal / f"{section}.yaml"
            if path.is_file():
                data = yaml.safe_load(path.read_text())
                bodies[f"{section}/{deal}"] = json.loads(json.dumps(data, default=str))
    return bodies


def _stripped(tmp_path: Path, deals: list[str]) -> Path:
    """The sample with the rep's section files removed: only the agents can supply them."""
    target = tmp_path / "ws"
    shutil.copytree(SAMPLE, target)
    for deal in deals:
        for section in SECTIONS:
            (target / "deals" / deal / f"{section}.yaml").unlink(missing_ok=True)
    return target


def _as_files(tmp_path: Path, bodies: dict[str, Any]) -> Path:
    """The sample with every served section written as the deal's own file."""
    target = tmp_path / "ws-files"
    shutil.copytree(SAMPLE, target)
    for key, body in bodies.items():
        section, deal = key.split("/")
        (target / "deals" / deal / f"{section}.yaml").write_text(yaml.safe_dump(body))
    return target


def _config(tmp_path: Path, agent: Agent, mode: str) -> Path:
    path = tmp_path / f"upstream-{mode}.yaml"
    agents = {s: {"url": agent.url(mode, s), "timeout_s": 2, "retries": 0} for s in SERVED}
    path.write_text(yaml.safe_dump({"agents": agents}))
    return path


def _performance(settings: CoachContext) -> CoachingResponse:
    request = CoachingRequest(capability="performance_coaching", rep_id=REP)
    return coach(request, settings)


def _result(response: CoachingResponse) -> Any:
    return response.result.model_dump(mode="json")


def test_performance_coaching_reads_the_rep_deals_through_the_upstream_agents(
    tmp_path: Path,
) -> None:
    deals = _rep_deals()
    assert len(deals) >= 2
    bodies = _bodies(deals)
    workspace = _stripped(tmp_path, deals)
    quiet = {"memory": None, "outbox": None}
    files = CoachContext(workspace=_as_files(tmp_path, bodies), **quiet)  # type: ignore[arg-type]
    from_files = _performance(files)
    sample = _performance(CoachContext(workspace=SAMPLE, **quiet))  # type: ignore[arg-type]
    assert _result(sample) != _result(from_files)  # the deals' own process changes the advice

    with serve(Agent(bodies=bodies)) as agent:
        served = CoachContext(
            workspace=workspace,
            upstream=_config(tmp_path, agent, "ok"),
            **quiet,  # type: ignore[arg-type]
        )
        over_http = _performance(served)
        assert _result(over_http) == _result(from_files)
        assert over_http.check.passed, over_http.check.findings
        assert agent.hits["ok"] == len(SERVED) * len(deals)  # each deal's sections, once

        failing = CoachContext(
            workspace=workspace,
            upstream=_config(tmp_path, agent, "fail"),
            **quiet,  # type: ignore[arg-type]
        )
        degraded = _performance(failing)
    assert degraded.check.passed, degraded.check.findings
    named = {w.ref for w in degraded.warnings if w.code == "missing_input"}
    for deal in deals:
        assert f"{deal}:qualification" in named, sorted(named)
    assert all("call failed" in w.message for w in degraded.warnings if w.ref in named)
