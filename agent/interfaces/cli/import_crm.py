"""`coach import SOURCE... --into WORKSPACE`: CRM exports (CSV) into a workspace folder.

Why a command: a team's deals live in a CRM; this is the first of the three steps from an
export to coaching (import, then `coach deals`, then a capability or `coach batch`). Bad rows
are reported (file:line: field: problem) and skipped; the exit code is 2 only when the input is
unusable (no mapping, an unreadable file, a header the mapping does not know) or no row imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent.errors import InvalidInput
from agent.interfaces.cli.common import progress_bar, user_errors

SHOWN_SKIPS = 20


def stages_note(workspace: Path, stages: dict[str, int]) -> str | None:
    """What to do when open deals are in stages the workspace's sales process does not list
    (org/process.yaml, else the knowledge's default stage model): every capability answers
    for them, but process adherence cannot judge a deal against stages it does not know, and
    would refuse each one; told here, once, rather than on every deal afterwards. None when
    every open stage is listed."""
    from agent.analysis.closure import closure_of
    from agent.analysis.stage import default_process
    from agent.contracts.upstream import ProcessStandards
    from agent.interfaces.cli.common import cli_settings
    from tools.sources import workspace_source

    own = workspace_source(workspace).org_section("process")
    if isinstance(own, ProcessStandards):
        process: ProcessStandards | None = own
    else:
        default = default_process(cli_settings(workspace))
        process = default.standard if default is not None else None
    if process is None:
        return None
    outside = {
        stage: n
        for stage, n in stages.items()
        if process.index(stage) is None and closure_of(stage, process) is None
    }
    if not outside:
        return None
    listed = ", ".join(f"{stage} ({n})" for stage, n in sorted(outside.items()))
    return (
        f"note: {sum(outside.values())} open deal(s) are in stages the sales process "
        f"'{process.name}' does not list: {listed}. Process adherence cannot judge them. Add "
        "org/process.yaml with your stages and their exit criteria, or map these stages onto "
        f"the process's ({', '.join(s.name for s in process.stages)}) with a --mapping whose "
        "stage field has `values`."
    )


@user_errors
def import_command(
    sources: Annotated[
        list[Path], typer.Argument(help="CSV exports, or folders of them (matched by header)")
    ],
    into: Annotated[Path, typer.Option("--into", help="The workspace folder to write")],
    preset: Annotated[
        str | None, typer.Option("--preset", help="salesforce, hubspot or maven")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="A YAML column mapping (may extend a preset)")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the import report here as JSON")
    ] = None,
    seller: Annotated[
        str | None,
        typer.Option("--seller", help="Your company, written to a new workspace.yaml"),
    ] = None,
) -> None:
    """Import CRM exports into a workspace: re-importing updates, never duplicates."""
    from rich.console import Console

    from agent.files import write_atomic
    from tools.crm_import.importer import run_import
    from tools.crm_import.mapping import load_mapping

    chosen = load_mapping(preset, mapping)
    if seller:
        chosen = chosen.model_copy(update={"seller": seller})
    err = Console(stderr=True, soft_wrap=True)
    with progress_bar(err) as progress:
        task = progress.add_task("import", total=None)
        result = run_import(
            sources,
            into,
            chosen,
            progress=lambda n: progress.advance(task, n),
            on_total=lambda total: progress.update(task, total=total),
        )
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(report, result.model_dump_json(indent=2) + "\n")
    for row in result.skipped[:SHOWN_SKIPS]:
        err.print(f"skipped {row.file}:{row.line}: {row.field}: {row.problem}", markup=False)
    if result.skipped_count > SHOWN_SKIPS:
        err.print(f"... and {result.skipped_count - SHOWN_SKIPS} more (see --report)")
    rows = ", ".join(f"{t} {result.imported.get(t, 0)}/{n}" for t, n in result.rows.items())
    err.print(
        f"{into}: {result.deals_created} deals created, {result.deals_updated} updated, "
        f"{result.deals_unchanged} unchanged; rows imported {rows}; "
        f"{result.skipped_count} skipped; {result.rows_per_second:.0f} rows/s",
        markup=False,
    )
    if note := stages_note(into, result.stages):
        err.print(note, markup=False)
    if not any(result.imported.values()):
        raise InvalidInput(
            "no row could be imported", where=", ".join(map(str, sources)), fix="See the rows above"
        )
