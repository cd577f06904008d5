"""A capability's folder is all the registry needs: a capability kept outside the package
(tests/registry_example/deal_facts), added to `agent.capabilities` before anything else is
imported, shows up in every place the agent offers a capability, and works end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agent.capabilities.registry import registry
from agent.contracts.catalog import result_catalog

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path(__file__).resolve().parent / "registry_example"

SCRIPT = """
import json, sys
import agent.capabilities
agent.capabilities.__path__.append(sys.argv[1])

from typer.testing import CliRunner
from agent.capabilities.registry import registry
from agent.chat.tools import chat_tools
from agent.contracts import CoachingRequest, CoachingResponse
from agent.graph import graph
from agent.interfaces.cli.app import app
from agent.routing.intent import classifier
from agent.routing.router import offered
from agent.service import coach
from agent.settings import CoachContext
from evals.harness.cases import load_case
from evals.harness.graders import offline_graders
from evals.harness.runner import RunSettings, _attempt

settings = CoachContext(outbox=None, memory=None)
response = coach(CoachingRequest(capability="deal_facts", deal_id="D-1003"), settings)
cli = CliRunner().invoke(app, ["facts", "D-1003", "--format", "json"])
case = load_case(__import__("pathlib").Path(sys.argv[2]))
attempt = _attempt(case, RunSettings(context=settings, graders=offline_graders()))
request = CoachingRequest(deal_id="D-1003", message="x")
print(json.dumps({
    "registered": "deal_facts" in registry(),
    "node": "list_deal_facts" in graph.get_graph().nodes,
    "schema": "DealFactsResult" in json.dumps(CoachingResponse.model_json_schema()),
    "request_literal": "deal_facts" in json.dumps(CoachingRequest.model_json_schema()),
    "kind": response.result.kind,
    "markdown": response.markdown,
    "grounded": response.check.passed,
    "cli_exit": cli.exit_code,
    "cli_kind": json.loads(cli.stdout)["result"]["kind"] if cli.exit_code == 0 else cli.output,
    "tool": "deal_facts" in [t.name for t in chat_tools(settings)],
    "intent": classifier().classify("give me the key facts of the deal").name,
    "offered": "deal_facts" in offered(request, frozenset(registry())),
    "eval_passed": attempt.passed,
    "eval_scores": [s.model_dump() for s in attempt.scores],
}))
"""

CASE = """
id: facts-d1003
capability: deal_facts
description: The deal's facts, cited.
request: {deal_id: D-1003}
expect:
  labels_include: [stage, amount, close]
"""


def test_a_capability_folder_is_all_the_registry_needs(tmp_path: Path) -> None:
    case = tmp_path / "facts.yaml"
    case.write_text(CASE)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(EXAMPLE), str(case)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["registered"] and seen["node"] and seen["schema"] and seen["request_literal"]
    assert seen["kind"] == "deal_facts" and seen["grounded"]
    assert "**amount**: USD 540,000" in seen["markdown"]
    assert seen["cli_exit"] == 0 and seen["cli_kind"] == "deal_facts"
    assert seen["tool"] and seen["intent"] == "deal_facts" and seen["offered"]
    assert seen["eval_passed"], seen["eval_scores"]


def test_the_shipped_registry_matches_the_contracts() -> None:
    """Every folder with a contract declares its capability, named as its folder, with a
    template and intents (live assist, a stream no message asks for, has neither)."""
    assert set(registry()) == set(result_catalog())
    for name, spec in registry().items():
        assert spec.folder.name == name
        if spec.draft is not None:
            assert spec.intents_file.is_file(), name
            assert (spec.folder / "template.md.j2").is_file(), name
