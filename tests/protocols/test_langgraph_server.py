"""`langgraph dev` serves every graph in langgraph.json from JSON: input, context and schemas.

One server for the module (it takes a few seconds to start), on a free loopback port, driven
over HTTP by langgraph-sdk as any client would. Skipped with the reason only if the CLI is not
installed or does not start.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.protocols.conftest import REPO, free_port, server_env, stop, wait_until_up

langgraph_sdk = pytest.importorskip("langgraph_sdk")


def _absolute(config: dict[str, Any]) -> dict[str, Any]:
    graphs = {name: str(REPO / spec) for name, spec in config["graphs"].items()}
    return {**config, "dependencies": [str(REPO)], "graphs": graphs}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    cli = shutil.which("langgraph") or str(Path(sys.executable).with_name("langgraph"))
    if not Path(cli).exists():
        pytest.skip("the langgraph CLI is not installed: pip install 'langgraph-cli[inmem]'")
    state = tmp_path_factory.mktemp("langgraph-server")
    port = free_port()
    command = [cli, "dev", "--no-browser", "--no-reload", "--host", "127.0.0.1"]
    config = state / "langgraph.json"  # the checkout's, its paths absolute: the server writes
    config.write_text(json.dumps(_absolute(json.loads((REPO / "langgraph.json").read_text()))))
    log = (state / "server.log").open("wb")
    process = subprocess.Popen(  # its .langgraph_api/ folder in the state folder, not the checkout
        [*command, "--config", str(config), "--port", str(port)],
        cwd=state,
        env=server_env(state, {"COACH_HOME": str(state / "home")}),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    stopper = stop(process)
    next(stopper)
    if not wait_until_up(f"{url}/ok", process):
        process.kill()
        tail = (state / "server.log").read_text(errors="replace")[-2000:]
        pytest.skip(f"`langgraph dev` did not start on {url}:\n{tail}")
    yield url, state
    next(stopper, None)
    log.close()


def _client(url: str) -> Any:
    return langgraph_sdk.get_sync_client(url=url)


def test_every_graph_declares_json_schemas(server: tuple[str, Path]) -> None:
    client = _client(server[0])
    graphs = json.loads((REPO / "langgraph.json").read_text())["graphs"]
    found = {a["graph_id"]: a["assistant_id"] for a in client.assistants.search(limit=20)}
    assert set(graphs) <= set(found)
    for graph_id in graphs:
        schemas = client.assistants.get_schemas(found[graph_id])
        for kind in ("input_schema", "output_schema", "context_schema"):
            assert schemas.get(kind, {}).get("properties"), f"{graph_id} has no {kind}"
        assert "workspace" in schemas["context_schema"]["properties"]
    coach = client.assistants.get_schemas(found["coach"])
    assert set(coach["input_schema"]["properties"]) == {"request"}
    assert set(coach["output_schema"]["properties"]) == {"response"}


def test_a_deal_request_runs_from_json_with_json_context(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = server
    outbox = tmp_path / "events.jsonl"
    workspace = REPO / "sample_workspace"
    result = _client(url).runs.wait(
        None,
        "coach",
        input={"request": {"capability": "stakeholder_strategy", "deal_id": "D-1003"}},
        context={"workspace": str(workspace), "outbox": str(outbox), "principal": "rep-priya"},
    )
    response = result["response"]
    assert response["capability"] == "stakeholder_strategy"
    assert response["deal_id"] == "D-1003" and response["markdown"]
    assert response["check"]["passed"] is True


def test_the_principal_in_the_context_is_enforced(server: tuple[str, Path]) -> None:
    """rep-tom does not own D-1003 in the sample workspace: the run fails as the CLI does."""
    client = _client(server[0])
    thread = client.threads.create()
    run = client.runs.create(
        thread["thread_id"],
        "coach",
        input={"request": {"capability": "next_best_action", "deal_id": "D-1003"}},
        context={"principal": "rep-tom"},
    )
    client.runs.join(thread["thread_id"], run["run_id"])
    assert client.runs.get(thread["thread_id"], run["run_id"])["status"] == "error"


def test_the_rep_graph_and_the_environment_settings(server: tuple[str, Path]) -> None:
    """No context at all: the COACH_* environment the server started with applies (its outbox
    receives the capability's events, nothing is written into the checkout)."""
    url, state = server
    result = _client(url).runs.wait(
        None,
        "coach_rep",
        input={"request": {"capability": "performance_coaching", "rep_id": "rep-priya"}},
    )
    assert result["response"]["rep_id"] == "rep-priya"
    events = (state / "events.jsonl").read_text().splitlines()
    assert any(json.loads(line)["rep_id"] == "rep-priya" for line in events)


def test_a_chat_turn_runs_from_json_messages(server: tuple[str, Path]) -> None:
    result = _client(server[0]).runs.wait(
        None,
        "chat",
        input={
            "messages": [{"role": "user", "content": "who should I engage?"}],
            "deal_id": "D-1003",
        },
        context={"max_steps": 3},
    )
    answer = result["messages"][-1]
    assert answer["type"] == "ai" and "D-1003" in json.dumps(result)
    assert result["last_capability"]


def test_a_request_that_breaks_its_contract_fails_the_run(server: tuple[str, Path]) -> None:
    client = _client(server[0])
    with pytest.raises(Exception, match="InvalidInput"):
        client.runs.wait(None, "coach", input={"request": {"capability": "next_best_action"}})
