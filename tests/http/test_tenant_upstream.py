"""Upstream agents per tenant in `coach serve` with keys: each tenant's own upstream.yaml,
against two stub agents on loopback. Three tenants hold the same deal id: one's agent answers,
one's is down, one has no file; each is called only with its own URL and credential, and no
tenant is answered from another's cache or falls back to the shared COACH_UPSTREAM."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.contracts.context import SECTION_MODELS, SECTION_PURPOSE
from agent.interfaces.http.app import create_app
from agent.interfaces.http.config import KeyEntry, KeysFile, ServerSettings, hash_key
from agent.settings import CoachContext
from evals.bench_http_load import tenant_workspace
from evals.upstream_stub import Agent, serve
from tests.conftest import SAMPLE
from tests.http.conftest import Service, serving

DEAL = "D-1003"
TENANTS = ("acme", "globex", "initech", "hooli")  # initech: no upstream.yaml; hooli: a bad one


def _risk() -> dict[str, Any]:
    risk = yaml.safe_load((SAMPLE / "deals" / DEAL / "risk.yaml").read_text())
    return {**risk, "assessed_on": str(risk["assessed_on"])}


def _upstream(home: Path, tenant: str, url: str, token_env: str) -> None:
    agent = {"url": url, "auth_header": "X-Key", "auth_env": token_env, "retries": 0}
    path = home / "tenants" / tenant / "upstream.yaml"
    path.write_text(yaml.safe_dump({"agents": {"risk": {**agent, "timeout_s": 1}}}))


@pytest.fixture(scope="module")
def stubs() -> Iterator[dict[str, Agent]]:
    body = {f"risk/{DEAL}": _risk()}
    with serve(Agent(bodies=body)) as acme, serve(Agent(bodies=body)) as globex:
        yield {"acme": acme, "globex": globex}


@pytest.fixture(scope="module")
def service(stubs: dict[str, Agent], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    home = tmp_path_factory.mktemp("coach-home")
    for tenant in TENANTS:
        tenant_workspace(home, tenant, [DEAL])
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ACME_RISK_TOKEN", "acme-secret")
        env.setenv("GLOBEX_RISK_TOKEN", "globex-secret")
        _upstream(home, "acme", stubs["acme"].url("ok"), "ACME_RISK_TOKEN")
        _upstream(home, "globex", stubs["globex"].url("fail"), "GLOBEX_RISK_TOKEN")
        (home / "tenants" / "hooli" / "upstream.yaml").write_text("agents:\n  risks: {}\n")
        shared = home / "shared-upstream.yaml"  # COACH_UPSTREAM: never used with keys
        shared.write_text(yaml.safe_dump({"agents": {"risk": {"url": stubs["acme"].url("ok")}}}))
        keys = [KeyEntry(id=t, sha256=hash_key(f"key-{t}"), tenant=t) for t in TENANTS]
        base = replace(CoachContext(), memory=None, outbox=None, upstream=shared)
        settings = ServerSettings(keys=KeysFile(keys=keys), home=home, base=base, protocols=False)
        with serving(create_app(settings)) as url:
            yield Service(url)


def _coach(service: Service, tenant: str) -> dict[str, Any]:
    with service.client(f"key-{tenant}") as http:
        got = http.post("/v1/coach", json={"capability": "deal_strategy", "deal_id": DEAL})
    assert got.status_code == 200, got.text
    body = got.json()
    assert isinstance(body, dict)
    return body


def _missing(body: dict[str, Any]) -> dict[str, str]:
    return {m["section"]: m.get("reason") or "" for m in body["missing_inputs"]}


def test_each_tenant_calls_only_its_own_agent_with_its_own_credential(
    service: Service, stubs: dict[str, Agent]
) -> None:
    acme = _coach(service, "acme")  # first: acme's answer for DEAL is now in acme's cache
    globex = _coach(service, "globex")
    assert "risk" not in _missing(acme)
    assert any(c["ref"].startswith("risk.") for c in acme["citations"])
    # globex's agent is down: its section is missing, never acme's cached answer for the id
    assert "503" in _missing(globex)["risk"]
    assert not any(c["ref"].startswith("risk.") for c in globex["citations"])
    assert stubs["acme"].hits["ok"] >= 1 and stubs["acme"].hits["fail"] == 0
    assert stubs["globex"].hits["fail"] >= 1 and stubs["globex"].hits["ok"] == 0
    assert {h["X-Key"] for h in stubs["acme"].headers} == {"acme-secret"}
    assert {h["X-Key"] for h in stubs["globex"].headers} == {"globex-secret"}


def test_a_tenant_without_its_own_file_reads_its_files_not_the_shared_agents(
    service: Service, stubs: dict[str, Agent]
) -> None:
    calls = sum(sum(s.hits.values()) for s in stubs.values())
    body = _coach(service, "initech")
    assert "risk" not in _missing(body)
    assert any(c["ref"].startswith("risk.") for c in body["citations"])
    assert sum(sum(s.hits.values()) for s in stubs.values()) == calls  # no call at all


def test_a_bad_tenant_file_is_one_clear_error_naming_no_server_folder(service: Service) -> None:
    with service.client("key-hooli") as http:
        got = http.post("/v1/coach", json={"capability": "deal_strategy", "deal_id": DEAL})
    error = got.json()["error"]
    assert got.status_code == 400 and "risks" in error["message"]
    assert error["where"] == "upstream.yaml" and "/tenants/" not in got.text


def test_a_deal_shows_its_tenants_upstream_sections_and_what_is_missing_and_why(
    service: Service, stubs: dict[str, Agent]
) -> None:
    def deal(tenant: str) -> dict[str, Any]:
        with service.client(f"key-{tenant}") as http:
            got = http.get(f"/v1/deals/{DEAL}")
        assert got.status_code == 200, got.text
        body = got.json()
        assert isinstance(body, dict)
        return body

    acme, globex, initech = deal("acme"), deal("globex"), deal("initech")
    fetched = SECTION_MODELS["risk"].model_validate(_risk()).model_dump(mode="json")
    assert acme["risk"] == fetched and acme["sources"]["risk"] == stubs["acme"].url("ok").format(
        deal_id=DEAL
    )
    assert "risk" not in {m["section"] for m in acme["missing_inputs"]}
    # globex's agent is down: no risk (never acme's answer, never its file), with the reason
    assert globex["risk"] is None and "risk" not in globex["sources"]
    reasons = {m["section"]: m.get("reason") for m in globex["missing_inputs"]}
    assert "503" in (reasons["risk"] or "") and "503" in globex["unavailable"]["risk"]
    # initech has no upstream file: its own risk file, named inside its workspace only
    assert initech["risk"] is not None and initech["sources"]["risk"].startswith("workspace/")
    assert "/tenants/" not in json.dumps(initech)
    absent = {m["section"] for m in initech["missing_inputs"]}
    assert absent == {s for s in SECTION_PURPOSE if initech[s] is None} and "risk" not in absent
