"""`coach classify FILE`: every utterance of a transcript with its labels and scores.

The utterance classifier live assist and the debrief use (agent/reading/utterances.py), with
nothing rate-limited or de-duplicated, so anyone can measure it on their own calls. A file kept
as `<workspace>/deals/<ID>/transcripts/...` (or given `--deal`) has its speakers mapped to the
rep and the contacts, so `--speaker customer` leaves the seller out; otherwise no one is known
to be the seller and every utterance is classified.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from agent.errors import InvalidInput
from agent.interfaces.cli.common import cli_settings, complete_deal_id, user_errors

FORMATS = ("text", "json")
SPEAKERS = ("customer", "all")


@user_errors
def classify_command(
    transcript: Annotated[Path, typer.Argument(help="Transcript (.txt, .vtt, .srt, .json)")],
    output: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    speaker: Annotated[
        str, typer.Option("--speaker", help="customer (not the seller's turns) or all")
    ] = "customer",
    deal_id: Annotated[
        str | None,
        typer.Option(
            "--deal",
            help="Map speakers with this deal (default: from deals/<ID>/transcripts/)",
            autocompletion=complete_deal_id,
        ),
    ] = None,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Workspace folder", file_okay=False)
    ] = None,
) -> None:
    """Label every utterance of a transcript: objections, resistance, stalls, questions …"""
    from agent.interfaces.cli.live import deal_of
    from agent.reading.speaker_mapping import map_speakers
    from agent.reading.transcripts import read_transcript
    from agent.reading.utterances import FALLBACK_NOTE, classify_utterances, utterance_classifier

    if output not in FORMATS:
        raise InvalidInput(f"unknown format '{output}'", where="--format", fix="Use text or json")
    if speaker not in SPEAKERS:
        raise InvalidInput(
            f"unknown speaker choice '{speaker}'", where="--speaker", fix="Use customer or all"
        )
    if not transcript.is_file():
        raise InvalidInput(
            "transcript file not found",
            where=str(transcript),
            fix="Pass the path of a .txt, .vtt, .srt or .json transcript",
        )
    try:
        call = read_transcript(transcript)
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the transcript ({exc.__class__.__name__})", where=str(transcript)
        ) from None
    located = deal_of(transcript)
    deal_id = deal_id or (located[0] if located else None)
    if deal_id is not None:
        from tools.sources import workspace_source

        if workspace is None and located and located[0] == deal_id:
            workspace = located[1]
        ctx = cli_settings(workspace)
        deal = workspace_source(ctx.workspace, ctx.principal).load_context(deal_id).deal
        call = map_speakers(call, deal)
    clf = utterance_classifier()
    rows = classify_utterances(call.utterances, "all" if speaker == "all" else "customer", clf)
    note = FALLBACK_NOTE if clf.method == "phrases" else ""
    if deal_id is None and speaker == "customer":
        note = (note + " " if note else "") + "no deal maps the speakers: every turn is included"
    if output == "json":
        payload = {
            "source": call.source,
            "format": call.format,
            "method": clf.method,
            "note": note,
            "utterances": [r.model_dump(mode="json") for r in rows],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    for r in rows:
        labels = ", ".join(f"{k} {r.scores[k]:.2f}" if k in r.scores else k for k in r.labels)
        text = r.text if len(r.text) <= 120 else r.text[:119] + "…"
        typer.echo(f"#{r.index} {r.speaker}: {text}\n    {labels}")
    typer.echo(f"{len(rows)} utterances, labels by {clf.method}")
    if note:
        typer.echo(f"note: {note}", err=True)
