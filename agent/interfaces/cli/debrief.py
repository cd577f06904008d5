"""`coach debrief DEAL_ID`: post-call analysis of a transcript, and, on request, the call
written into the deal record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.errors import InvalidInput
from agent.interfaces.cli.common import (
    BRIEF_OPT,
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
    attendee: Annotated[
        list[str] | None,
        typer.Option(
            "--attendee",
            help="Who was on the call (contact or team id, or name; repeat): confirms who "
            "the speaker labels are",
        ),
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Write the proposed update into the deal file")
    ] = False,
    workspace: WorkspaceOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.markdown,
    brief: BRIEF_OPT = False,
    as_of: AsOfOpt = None,
) -> None:
    """Post-call analysis: review, next steps, what changed, follow-up email, deal update."""
    from agent.files import version
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
    read_version = version(target)  # what the analysis reads; --apply merges later writes
    path = transcript or source.latest_transcript(deal_id)
    from agent.intake import LIMITS, read_text

    text = read_text(path, LIMITS.transcript, "transcript")
    meeting: dict[str, Any] = {}
    if (day := parse_date(date, "--date") or call_date(path)) is not None:
        meeting["date"] = day
    if objective:
        meeting["objective"] = objective
    if attendee:
        meeting["attendees"] = attendee
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
    response = respond(payload, workspace, fmt, brief=brief)
    if apply:
        from agent.capabilities.post_call_analysis.contract import PostCallAnalysisResult

        result = response.result
        assert isinstance(result, PostCallAnalysisResult)
        applied = apply_patch(target, result.patch, read_version, _show(result))
        merged = " (merged with a change made since the analysis read it)" if applied.merged else ""
        err.print(
            f"applied: activity {applied.activity_id} added to {target}{merged}", markup=False
        )
        for note in applied.notes:
            err.print(f"  note: {note}", markup=False)


def _show(result: Any) -> Callable[[Any], None]:
    """Print the change to the deal file and what in it is uncertain, before it is written."""

    def show(applied: Any) -> None:
        err.print("deal file change:", markup=False)
        err.print(
            applied.diff.rstrip() or "  (no change)", markup=False, highlight=False, soft_wrap=True
        )
        uncertain = uncertainties(result)
        if uncertain:
            err.print("uncertain (not written as agreed; confirm with the customer):", markup=False)
            for line in uncertain:
                err.print(f"  - {line}", markup=False, highlight=False)

    return show


def uncertainties(result: Any) -> list[str]:
    """Speakers whose identity is not confirmed and next steps nobody on the customer side
    agreed to: the rep confirms these before trusting the record."""
    call = result.call
    lines = [f"who spoke as '{s}' (not on the deal)" for s in call.unmapped_speakers]
    lines += [
        f"who spoke as '{s}' (not confirmed: not counted as that contact; pass --attendee)"
        for s in call.unconfirmed_speakers
    ]
    lines += [f"next step: {x}" for x in result.follow_up.to_confirm]
    return lines
