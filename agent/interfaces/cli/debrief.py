"""`coach debrief DEAL_ID`: post-call analysis of a transcript, and, on request, the call
written into the deal record."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from agent.errors import InvalidInput
from agent.interfaces.cli.common import (
    AsOfOpt,
    DealArg,
    OutputFormat,
    WorkspaceOpt,
    cli_settings,
    err,
    parse_date,
    respond,
    user_errors,
)


@user_errors
def debrief_command(
    deal_id: DealArg,
    transcript: Annotated[
        Path | None,
        typer.Option(
            "--transcript", "-t", help="Transcript file (default: the deal's newest transcript)"
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(help="Call date, YYYY-MM-DD (default: from the file name, else today)"),
    ] = None,
    objective: Annotated[str | None, typer.Option(help="What the call set out to do")] = None,
    activity_type: Annotated[
        str, typer.Option("--type", help="How the call is logged: call, meeting, demo, ...")
    ] = "call",
    apply: Annotated[
        bool, typer.Option("--apply", help="Write the proposed update into the deal file")
    ] = False,
    workspace: WorkspaceOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.markdown,
    as_of: AsOfOpt = None,
) -> None:
    """Post-call analysis: review, next steps, what changed, follow-up email, deal update."""
    from agent.reading.transcripts import call_date
    from agent.resources import installed_data
    from tools.deal_patch import apply_patch
    from tools.sources import workspace_source

    settings = cli_settings(workspace)
    source = workspace_source(settings.workspace, settings.principal)
    target = source.deal_path(deal_id)  # an unknown deal is named as such, with the known ones
    if apply and installed_data(target):
        raise InvalidInput(
            "--apply would write into the sample workspace installed with the package",
            where=str(settings.workspace),
            fix=f"Copy it (cp -r '{settings.workspace}' my-workspace) and pass "
            "--workspace my-workspace",
        )
    path = transcript or source.latest_transcript(deal_id)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"cannot read the transcript ({exc.__class__.__name__})",
            where=str(path),
            fix="Pass a readable UTF-8 .txt, .vtt, .srt or .json transcript",
        ) from None
    meeting: dict[str, Any] = {}
    if (day := parse_date(date, "--date") or call_date(path)) is not None:
        meeting["date"] = day
    if objective:
        meeting["objective"] = objective
    payload: dict[str, Any] = {
        "capability": "post_call_analysis",
        "deal_id": deal_id,
        "transcript": text,
        "transcript_source": path.name,
        "meeting": meeting,
        "options": {"activity_type": activity_type},
    }
    if (today := parse_date(as_of)) is not None:
        payload["as_of"] = today
    response = respond(payload, workspace, fmt)
    if apply:
        from agent.capabilities.post_call_analysis.contract import PostCallAnalysisResult

        assert isinstance(response.result, PostCallAnalysisResult)
        apply_patch(target, response.result.patch)
        err.print(
            f"applied: activity {response.result.patch.add_activity.id} added to {target}",
            highlight=False,
        )
