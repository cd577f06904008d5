"""Who sees what: a principal reaches its own deals, deals granted to it and, as a manager, its
team's; anything else is "not found" in the same words as an id that does not exist. Without a
principal (single-user mode) the whole workspace is reachable, as before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agent.chat.context import thread_id
from agent.contracts.principal import Principal
from agent.contracts.request import CoachingRequest
from agent.errors import DealNotFound, InvalidInput
from agent.interfaces.cli.app import app
from agent.service import coach
from agent.settings import CoachContext
from tests.factories import inline_deal
from tools.sources import WorkspaceSource

runner = CliRunner()


def _owners(root: Path) -> dict[str, str]:
    source = WorkspaceSource(root)
    return {d: source.get_deal(d).owner.id for d in source.deal_ids()}


@pytest.fixture
def workspace(sample_copy: Path) -> Path:
    """The sample with grants: a manager over two reps, and one extra deal for a third rep."""
    owners = _owners(sample_copy)
    reps = sorted(set(owners.values()))
    granted = next(d for d, o in sorted(owners.items()) if o != reps[2])
    (sample_copy / "org" / "access.yaml").write_text(
        f"managers:\n  mgr-lead: [{reps[0]}, {reps[1]}]\ndeals:\n  {reps[2]}: [{granted}]\n"
    )
    return sample_copy


def _seen(root: Path, principal: str) -> set[str]:
    return set(WorkspaceSource(root).scoped(Principal.parse(principal)).deal_ids())


def test_a_rep_reaches_own_and_granted_deals_a_manager_the_team(workspace: Path) -> None:
    owners = _owners(workspace)
    reps = sorted(set(owners.values()))
    for rep in reps[:2]:
        assert _seen(workspace, rep) == {d for d, o in owners.items() if o == rep}
    granted = {d for d, o in owners.items() if o == reps[2]}
    extra = _seen(workspace, reps[2]) - granted
    assert len(extra) == 1 and owners[extra.pop()] != reps[2]
    assert _seen(workspace, "mgr-lead") == {d for d, o in owners.items() if o in reps[:2]}
    assert _seen(workspace, "nobody") == set()
    assert _seen(workspace, f"other-tenant/{reps[0]}") == set()  # grants are per tenant
    assert set(WorkspaceSource(workspace).scoped(None).deal_ids()) == set(owners)


def test_an_unreachable_deal_reads_exactly_like_a_missing_one(workspace: Path) -> None:
    owners = _owners(workspace)
    rep = sorted(set(owners.values()))[0]
    other = next(d for d, o in sorted(owners.items()) if o != rep)
    source = WorkspaceSource(workspace).scoped(Principal.parse(rep))
    with pytest.raises(DealNotFound) as refused:
        source.load_context(other)
    with pytest.raises(DealNotFound) as missing:
        source.load_context("D-0000")
    assert str(refused.value).replace(other, "X") == str(missing.value).replace("D-0000", "X")
    for call in (source.get_section, source.latest_transcript):
        with pytest.raises(DealNotFound):
            call(other, "risk") if call == source.get_section else call(other)  # type: ignore[operator]


def test_the_service_enforces_the_principal_on_deals_and_reps(workspace: Path) -> None:
    owners = _owners(workspace)
    reps = sorted(set(owners.values()))
    mine = next(d for d, o in sorted(owners.items()) if o == reps[0])
    other = next(d for d, o in sorted(owners.items()) if o != reps[0])
    ctx = CoachContext(workspace=workspace, memory=None, principal=Principal.parse(reps[0]))
    assert coach(CoachingRequest(capability="deal_strategy", deal_id=mine), ctx).deal_id == mine
    with pytest.raises(DealNotFound):
        coach(CoachingRequest(capability="deal_strategy", deal_id=other), ctx)
    with pytest.raises(InvalidInput, match="no rep"):
        coach(CoachingRequest(capability="performance_coaching", rep_id=reps[1]), ctx)
    manager = CoachContext(workspace=workspace, memory=None, principal=Principal.parse("mgr-lead"))
    report = coach(CoachingRequest(capability="performance_coaching", rep_id=reps[1]), manager)
    assert report.rep_id == reps[1]


def test_cli_as_refuses_with_exit_2_and_lists_only_reachable(workspace: Path) -> None:
    owners = _owners(workspace)
    rep = sorted(set(owners.values()))[0]
    other = next(d for d, o in sorted(owners.items()) if o != rep)
    ws = ["--workspace", str(workspace)]
    listed = runner.invoke(app, ["--as", rep, "deals", *ws])
    assert listed.exit_code == 0
    assert {d for d in owners if d in listed.stdout} == {d for d, o in owners.items() if o == rep}
    refused = runner.invoke(app, ["--as", rep, "next-action", other, *ws])
    assert refused.exit_code == 2 and f"no deal '{other}'" in refused.stderr
    assert "Traceback" not in refused.output
    everyone = runner.invoke(app, ["deals", "--workspace", str(workspace)])
    assert all(d in everyone.stdout for d in owners)  # no principal: single-user mode


def test_threads_are_kept_apart_by_principal() -> None:
    a, b = Principal.parse("rep-a"), Principal.parse("rep-b")
    assert thread_id("rep-a", "D-1", a) != thread_id("rep-a", "D-1", b)
    assert thread_id("rep-a", "D-1", a) != thread_id("rep-a", "D-1", Principal.parse("t2/rep-a"))
    assert thread_id("rep-a", "D-1") == "rep-a:D-1"  # single-user threads keep their keys


@pytest.mark.parametrize("text", ["../x", "a/b/c", "", ".hidden", "x" * 65, "a b"])
def test_a_malformed_principal_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        Principal.parse(text)


def _inline(root: Path, deal_id: str, new_id: str | None = None, owner: str | None = None) -> str:
    return json.dumps(
        {"capability": "deal_strategy", "deal": inline_deal(root, deal_id, new_id, owner)}
    )


def test_an_inline_deal_never_lets_a_principal_act_on_anothers_deal(
    workspace: Path, tmp_path: Path
) -> None:
    """An inline deal whose id is someone else's reads like an unknown id; a new id owned by
    another rep is refused naming that owner; the principal's own (or a new one it owns)
    runs. Through the CLI's `coach request`, exit 2 and no traceback on refusals."""
    owners = _owners(workspace)
    rep = sorted(set(owners.values()))[0]
    mine = next(d for d, o in sorted(owners.items()) if o == rep)
    other, other_owner = next((d, o) for d, o in sorted(owners.items()) if o != rep)
    ws = ["--workspace", str(workspace), "--format", "json"]

    def run(body: str) -> Any:
        path = tmp_path / "request.json"
        path.write_text(body, encoding="utf-8")
        return runner.invoke(app, ["--as", rep, "request", str(path), *ws])

    taken = run(_inline(workspace, other, owner=rep))  # claims the deal, keeps its id
    assert taken.exit_code == 2 and f"no deal '{other}'" in taken.stderr
    unknown = runner.invoke(app, ["--as", rep, "next-action", "D-0000", *ws])
    assert taken.stderr.replace(other, "X") == unknown.stderr.replace("D-0000", "X")
    foreign = run(_inline(workspace, other, new_id="D-9001"))
    assert foreign.exit_code == 2 and other_owner in foreign.stderr and "owner" in foreign.stderr
    for body in (_inline(workspace, mine), _inline(workspace, other, "D-9002", owner=rep)):
        ran = run(body)
        assert ran.exit_code == 0, ran.output
    assert all("Traceback" not in r.output for r in (taken, foreign))
    everyone = runner.invoke(app, ["request", str(tmp_path / "request.json"), *ws])
    assert everyone.exit_code == 0  # no principal: single-user mode takes any inline deal
