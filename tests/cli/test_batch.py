"""`coach batch`: one capability over every reachable deal, one JSON response per line; a bad
deal is reported and skipped; exit 2 only when nothing ran; workers give the same answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.contracts import CoachingResponse
from agent.interfaces.cli.app import app
from tests.conftest import SAMPLE, SAMPLE_DEALS
from tools.sources import WorkspaceSource

runner = CliRunner()


def _lines(path: Path) -> list[CoachingResponse]:
    return [CoachingResponse.model_validate_json(line) for line in path.read_text().splitlines()]


def test_batch_answers_every_sample_deal_in_order(tmp_path: Path) -> None:
    out = tmp_path / "nba.jsonl"
    result = runner.invoke(app, ["batch", "next-action", "--out", str(out)])
    assert result.exit_code == 0, result.output
    responses = _lines(out)
    assert [r.deal_id for r in responses] == SAMPLE_DEALS
    assert {r.capability for r in responses} == {"next_best_action"}
    assert f"{len(SAMPLE_DEALS)} answered, 0 skipped" in result.stderr


def test_a_bad_deal_is_skipped_and_only_nothing_answered_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "some.jsonl"
    ids = f"{SAMPLE_DEALS[0]},NO-SUCH-DEAL,{SAMPLE_DEALS[1]}"
    result = runner.invoke(app, ["batch", "stakeholder_strategy", "--deals", ids, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [r.deal_id for r in _lines(out)] == SAMPLE_DEALS[:2]
    assert "skipped NO-SUCH-DEAL" in result.stderr and "1 skipped" in result.stderr
    nothing = runner.invoke(app, ["batch", "next_best_action", "--deals", "NO-SUCH-DEAL"])
    assert nothing.exit_code == 2 and nothing.stdout == ""
    rep_level = runner.invoke(app, ["batch", "performance_coaching"])
    assert rep_level.exit_code == 2 and "next_best_action" in rep_level.output


def test_workers_answer_like_one_process(tmp_path: Path) -> None:
    ids = ",".join(SAMPLE_DEALS[:4])
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for out, jobs in ((one, "1"), (two, "2")):
        result = runner.invoke(
            app, ["batch", "next-action", "--deals", ids, "-j", jobs, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output

    def stable(r: CoachingResponse) -> object:
        data = json.loads(r.model_dump_json())
        data.pop("composition", None)  # latency differs between runs
        data.pop("events", None)  # event ids and times differ
        return data

    assert [stable(r) for r in _lines(one)] == [stable(r) for r in _lines(two)]


def _stable(r: CoachingResponse) -> object:
    data = json.loads(r.model_dump_json())
    data.pop("composition", None)  # latency differs between runs
    for event in data.get("events", []):  # event ids and times differ
        event.pop("id", None)
        event.pop("created", None)
    return data


def test_batch_answers_as_the_per_deal_command_does(tmp_path: Path, _private_memory: Path) -> None:
    """Forked workers (the first deal answered before the fork) give each deal the answer
    `coach next-action ID --format json` gives it, and each worker's advice is remembered."""
    out = tmp_path / "two.jsonl"
    result = runner.invoke(app, ["batch", "next-action", "-j", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    answers = _lines(out)
    assert len(answers) >= 3
    from agent.memory import open_store

    store = open_store(_private_memory)  # what the parent and the workers wrote
    remembered = {i.value["deal_id"] for i in store.search(("coaching",), limit=1000)}
    assert remembered == {a.deal_id for a in answers}
    for answer in answers:
        single = runner.invoke(app, ["next-action", answer.deal_id or "", "--format", "json"])
        assert single.exit_code == 0, single.output
        assert _stable(answer) == _stable(CoachingResponse.model_validate_json(single.stdout))


def test_a_deal_whose_record_the_memory_refuses_is_not_answered(
    tmp_path: Path, _private_memory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records are written a few deals at a time (coaching_history.held): when the memory
    refuses them, those deals are reported, not written out as answered."""
    from agent.capabilities.common import coaching_history

    def refuse(_: object) -> None:
        raise OSError("database is locked")

    monkeypatch.setattr(coaching_history, "_write", refuse)
    out = tmp_path / "none.jsonl"
    ids = ",".join(SAMPLE_DEALS[:3])
    result = runner.invoke(app, ["batch", "next-action", "--deals", ids, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert out.read_text() == ""
    assert f"skipped {SAMPLE_DEALS[1]}: its coaching record could not be kept" in result.stderr


def test_batch_sees_only_what_the_principal_may_reach(tmp_path: Path) -> None:
    source = WorkspaceSource(SAMPLE)
    owner = source.get_deal(SAMPLE_DEALS[0]).owner.id
    own = [d for d in SAMPLE_DEALS if source.get_deal(d).owner.id == owner]
    out = tmp_path / "own.jsonl"
    result = runner.invoke(app, ["--as", owner, "batch", "next-action", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [r.deal_id for r in _lines(out)] == own
    other = next(d for d in SAMPLE_DEALS if d not in own)
    refused = runner.invoke(app, ["--as", owner, "batch", "next-action", "--deals", other])
    # the message wraps at the console's width wherever the checkout's path puts a break
    assert refused.exit_code == 2 and f"no deal '{other}'" in " ".join(refused.stderr.split())


def test_closed_deals_are_skipped_unless_included_and_deals_shows_the_state(
    tmp_path: Path,
) -> None:
    import re
    import shutil

    workspace = tmp_path / "ws"
    shutil.copytree(SAMPLE, workspace)
    closed, open_ = SAMPLE_DEALS[0], SAMPLE_DEALS[1]
    deal_file = workspace / "deals" / closed / "deal.yaml"
    text = deal_file.read_text()
    deal_file.write_text(re.sub(r"(?m)^stage: .*$", "stage: Closed Won", text, count=1))
    ids = f"{closed},{open_}"
    out = tmp_path / "b.jsonl"
    base = ["batch", "next-action", "--workspace", str(workspace), "--deals", ids, "-o", str(out)]
    skipped = runner.invoke(app, base)
    assert skipped.exit_code == 0, skipped.output
    assert [r.deal_id for r in _lines(out)] == [open_]
    assert "skipped 1 closed deal" in skipped.stderr
    kept = runner.invoke(app, [*base, "--include-closed"])
    assert kept.exit_code == 0, kept.output
    answers = _lines(out)
    assert [r.deal_id for r in answers] == [closed, open_]
    assert answers[0].result.primary.play_id == "closed-won-handover"  # type: ignore[union-attr]
    assert [w.code for w in answers[0].warnings if w.code == "closed_deal"] == ["closed_deal"]
    assert not any(w.code == "closed_deal" for w in answers[1].warnings)
    listed = runner.invoke(app, ["deals", "--workspace", str(workspace)], env={"COLUMNS": "200"})
    row = next(line for line in listed.stdout.splitlines() if closed in line)
    assert "won" in row.split(closed, 1)[1]


def test_a_warning_every_answer_shares_is_logged_once(tmp_path: Path) -> None:
    """Another seller's workspace: every answer warns that the shipped knowledge is not
    theirs. The answers keep the warning; stderr shows it once, not once per deal."""
    import shutil

    workspace = tmp_path / "ws"
    shutil.copytree(SAMPLE, workspace)
    manifest = workspace / "workspace.yaml"
    manifest.write_text(
        "\n".join(
            "seller: Quillmate Ltd" if line.startswith("seller:") else line
            for line in manifest.read_text().splitlines()
        )
    )
    out = tmp_path / "nba.jsonl"
    ids = ",".join(SAMPLE_DEALS[:3])
    result = runner.invoke(
        app, ["batch", "next-action", "--workspace", str(workspace), "--deals", ids, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    scoped = [r for r in _lines(out) if any(w.code == "knowledge_scope" for w in r.warnings)]
    assert len(scoped) == 3
    assert result.stderr.count("the shipped knowledge is") == 1


def test_a_worker_that_dies_loses_no_deal_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed while it answers (here: one deal makes its process exit) breaks the
    pool: every deal is either written once, in order, or reported as not answered, and the
    run exits 1; none is dropped or written twice."""
    import os

    from agent.interfaces.cli import batch

    parent, fatal = os.getpid(), SAMPLE_DEALS[5]
    real = batch._answer

    def answer(deal_id: str) -> tuple[str, str | None, str | None]:
        if deal_id == fatal and os.getpid() != parent:
            os._exit(9)  # as a worker killed by the system would end
        return real(deal_id)

    monkeypatch.setattr(batch, "_answer", answer)
    out = tmp_path / "two.jsonl"
    ids = ",".join(SAMPLE_DEALS[:10])
    result = runner.invoke(app, ["batch", "next-action", "--deals", ids, "-j", "2", "-o", str(out)])
    assert result.exit_code == 1, result.output
    written = [r.deal_id for r in _lines(out)]
    lost = [d for d in SAMPLE_DEALS[:10] if f"skipped {d}: {batch.DIED}" in result.stderr]
    assert fatal in lost and written[0] == SAMPLE_DEALS[0]
    assert sorted(written + lost) == sorted(SAMPLE_DEALS[:10])  # each once: written or reported
    assert written == [d for d in SAMPLE_DEALS[:10] if d in written]  # in deal order
    assert f"{len(lost)} deal(s) not answered" in result.stderr
