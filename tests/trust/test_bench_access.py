"""A sample of the confidentiality probes (the whole set: `python -m evals.bench_access`): one
rep against everyone else's deals, reps, threads and lessons, through the CLI, the chat and the
service. The detector is checked too: without a principal the same door shows the data."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from agent.interfaces.cli.app import app
from evals.bench_access import _secrets, build_workspace, run_probes
from tools.sources import WorkspaceSource


def in_process(args: list[str]) -> tuple[int, str, str]:
    """`coach ARGS…` without a process per probe, so the sample stays fast."""
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def test_one_rep_probing_everything_leaks_nothing(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path)
    outcomes, _ = run_probes(ws, principals=1, lesson_pairs=3, command_line=in_process)
    kinds = {o.kind.split(" ")[0] for o in outcomes}
    assert len(outcomes) >= 40 and {"cli", "service", "chat", "thread", "lessons"} <= kinds
    assert [o for o in outcomes if o.leaked or o.broken] == []
    assert any(o.carried for o in outcomes), "lessons travel, or the lesson probes test nothing"


def test_the_detector_sees_data_when_nothing_is_enforced(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path)
    source = WorkspaceSource(ws)
    deal = source.deal_ids()[0]
    shown = in_process(["next-action", deal, "--workspace", str(ws)])[1]
    assert [s for s in _secrets(source, deal) if s in shown]  # single-user mode: all visible
