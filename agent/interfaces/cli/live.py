"""`coach live --transcript FILE`: replay a call through the live assist engine.

The same LiveAssist a streaming API will drive, fed here from a file: at the call's real pace
(sleeping by the timestamps, divided by --speed) to see what a rep would see and when, or as
fast as possible to review a call's cards in seconds. Cards print as panels, or as JSON lines
(one CueCard each) for programs.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from agent.errors import InvalidInput
from agent.interfaces.cli.common import cli_settings, complete_deal_id, user_errors

if TYPE_CHECKING:  # imported when the command runs: `coach --help` stays light
    from rich.panel import Panel

    from agent.capabilities.live_assist.contract import CueCard
    from agent.contracts.conversation import Utterance

out = Console()
PACES = ("real", "fast")


def deal_of(path: Path) -> tuple[str, Path] | None:
    """The deal id and workspace of a file kept as `<workspace>/deals/<ID>/transcripts/...`."""
    parts = path.resolve().parts
    for i in range(len(parts) - 3, 0, -1):
        if parts[i - 1] == "deals" and parts[i + 1] == "transcripts":
            return parts[i], Path(*parts[: i - 1])
    return None


def _stamp(u: Utterance) -> str:
    if u.start_s is None:
        return f"#{u.index}"
    minutes, seconds = divmod(int(u.start_s), 60)
    return f"{minutes:02d}:{seconds:02d}"


def _panel(card: CueCard) -> Panel:
    from rich.panel import Panel
    from rich.text import Text

    body = Text()
    body.append(card.say + "\n", style="bold")
    for point in card.points:
        body.append(f"• {point}\n")
    body.append(f"\nwhy: {card.why.speaker}: “{card.why.excerpt}”\n", style="italic")
    body.append(" ".join(card.citations), style="dim")
    title = f"[bold]{card.kind.replace('_', ' ')}[/] · {escape(card.title)}"
    return Panel(body, title=title, title_align="left", subtitle=f"{card.latency_ms:.1f} ms")


@user_errors
def live_command(
    transcript: Annotated[Path, typer.Option("--transcript", "-t", help="Transcript file")],
    deal_id: Annotated[
        str | None,
        typer.Option(
            "--deal",
            help="Deal id (default: from deals/<ID>/transcripts/ in the path)",
            autocompletion=complete_deal_id,
        ),
    ] = None,
    pace: Annotated[
        str, typer.Option(help="real: sleep by the timestamps; fast: as fast as possible")
    ] = "fast",
    speed: Annotated[
        float, typer.Option(min=0.01, help="With --pace real: 2 = twice as fast")
    ] = 1.0,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Workspace folder", file_okay=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One CueCard JSON per line")] = False,
) -> None:
    """Replay a call transcript and show the live cue cards a rep would get during it."""
    from agent.analysis import analyze_deal
    from agent.capabilities.live_assist.engine import LiveAssist
    from agent.reading.detectors import WORDS_PER_SECOND
    from agent.reading.speaker_mapping import map_speakers
    from agent.reading.transcripts import read_transcript
    from agent.retrieval import index_for
    from agent.sanitise import clean
    from tools.sources import workspace_source

    if pace not in PACES:
        raise InvalidInput(f"unknown pace '{pace}'", where="--pace", fix="Use real or fast")
    if not transcript.is_file():
        raise InvalidInput(
            "transcript file not found",
            where=str(transcript),
            fix="Pass the path of a .txt, .vtt, .srt or .json transcript",
        )
    located = deal_of(transcript)
    deal_id = deal_id or (located[0] if located else None)
    if deal_id is None:
        raise InvalidInput(
            "no deal for this transcript",
            where=str(transcript),
            fix="Pass --deal <ID>, or keep the file under <workspace>/deals/<ID>/transcripts/",
        )
    if workspace is None and located and located[0] == deal_id:
        workspace = located[1]
    ctx = cli_settings(workspace)
    source = workspace_source(ctx.workspace, ctx.principal)
    deal = source.load_context(deal_id)
    analysis = analyze_deal(deal, source.as_of or dt.date.today())
    try:
        call = map_speakers(read_transcript(transcript), deal.deal)
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the transcript ({exc.__class__.__name__})", where=str(transcript)
        ) from None
    engine = LiveAssist(deal, analysis, index_for(ctx))

    began, first = time.monotonic(), call.utterances[0].start_s or 0.0
    at = 0.0  # seconds into the call; estimated from words where timestamps are missing
    for u in call.utterances:
        at = u.start_s - first if u.start_s is not None else at
        if pace == "real":
            time.sleep(max(0.0, began + at / speed - time.monotonic()))
        cards = [clean(card) for card in engine.feed(u)]  # cards leave the agent: sanitised
        if engine.suspected and engine.suspected[-1].ref.endswith(f"[{u.index}].text"):
            typer.echo(f"warning: {engine.suspected[-1].message()}", err=True)
        at += len(u.text.split()) / WORDS_PER_SECOND if u.start_s is None else 0.0
        if as_json:
            for card in cards:
                sys.stdout.write(card.model_dump_json() + "\n")
            sys.stdout.flush()
            continue
        line = u.text if len(u.text) <= 110 else u.text[:110] + "…"
        out.print(f"[dim]{_stamp(u)}[/] [bold]{escape(u.speaker)}[/]: {escape(line)}")
        for card in cards:
            out.print(_panel(card))
    if not as_json:
        latencies = sorted(c.latency_ms for c in engine.cards) or [0.0]
        kinds = ", ".join(sorted({c.kind for c in engine.cards})) or "none"
        out.print(
            f"{len(call.utterances)} utterances, {len(engine.cards)} cards ({kinds}); "
            f"card latency median {statistics.median(latencies):.1f} ms, "
            f"max {latencies[-1]:.1f} ms",
            highlight=False,
        )
