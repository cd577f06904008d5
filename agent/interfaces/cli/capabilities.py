"""One CLI command per registered capability, its options made from what the capability reads.

A deal capability takes the deal id; a rep capability `--rep`; each request field it uses adds
its options (a meeting: attendees, length, objective, agenda items, date; a message; a
methodology; a transcript file). Every command shares `--workspace`, `--format` (or `--json`)
and `--as-of`. An interface module may replace a capability's command with its own (debrief
adds `--apply`, which writes to the CRM file).

The commands are made from the capabilities' outlines (agent/capabilities/outline.py), so
`coach --help` and completion import no capability; the one a command runs is imported when it
runs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.capabilities.outline import Outline, outlines
from agent.interfaces.cli.common import (
    BRIEF_OPT,
    AsOfOpt,
    DealArg,
    OutputFormat,
    WorkspaceOpt,
    cli_settings,
    complete_rep_id,
    parse_date,
    respond,
    user_errors,
)

P = inspect.Parameter
PANEL = "Coaching"
FIELD_HELP = {
    "message": "What the customer said or what you want to know, in your words",
    "methodology": "The sales methodology, e.g. MEDDICC, BANT, SPIN, Challenger",
}


def _option(name: str, annotation: Any, default: Any = None) -> P:
    return P(name, P.KEYWORD_ONLY, annotation=annotation, default=default)


Opt = typer.Option
DEAL_ARG = DealArg
REP_OPT = Annotated[
    str, Opt("--rep", help="Rep id, e.g. rep-priya (deal owners)", autocompletion=complete_rep_id)
]
MEETING_OPTS = {
    "attendee": Annotated[
        list[str] | None, Opt(help="Contact or team member id attending (repeatable)")
    ],
    "minutes": Annotated[int | None, Opt(min=5, max=480)],
    "objective": Annotated[str | None, Opt()],
    "agenda_item": Annotated[
        list[str] | None, Opt(help="An item on the customer's own agenda (repeatable)")
    ],
    "date": Annotated[str | None, Opt(help="Meeting date, YYYY-MM-DD")],
}
TRANSCRIPT_OPT = Annotated[Path | None, Opt("--transcript", "-t", help="Transcript file")]
FORMAT_OPT = Annotated[OutputFormat, Opt("--format", "-f")]
JSON_OPT = Annotated[bool, Opt("--json", help="Same as --format json")]


def _parameters(spec: Outline) -> list[P]:
    params: list[P] = []
    if spec.scope == "rep":
        params.append(_option("rep", REP_OPT, P.empty))
    else:
        params.append(P("deal_id", P.POSITIONAL_OR_KEYWORD, annotation=DEAL_ARG))
    if "meeting" in spec.uses:
        params += [_option(name, annotation) for name, annotation in MEETING_OPTS.items()]
    for name in ("message", "methodology"):
        if name in spec.uses:
            help_text = spec.options_help.get(name, FIELD_HELP[name])
            params.append(_option(name, Annotated[str | None, Opt(f"--{name}", help=help_text)]))
    if "transcript" in spec.uses:
        params.append(_option("transcript", TRANSCRIPT_OPT))
    return [
        *params,
        _option("workspace", WorkspaceOpt),
        _option("fmt", FORMAT_OPT, OutputFormat.markdown),
        _option("as_json", JSON_OPT, False),
        _option("brief", BRIEF_OPT, False),
        _option("as_of", AsOfOpt),
    ]


def payload_for(spec: Outline, args: dict[str, Any]) -> dict[str, Any]:
    """The CoachingRequest the command's arguments describe."""
    from agent.intake import LIMITS, read_text

    payload: dict[str, Any] = {"capability": spec.name}
    if spec.scope == "rep":
        payload["rep_id"] = args["rep"]
    else:
        payload["deal_id"] = args["deal_id"]
    if "meeting" in spec.uses:
        meeting: dict[str, Any] = {
            "attendees": args.get("attendee") or [],
            "customer_agenda": args.get("agenda_item") or [],
        }
        if args.get("minutes"):
            meeting["duration_minutes"] = args["minutes"]
        if args.get("objective"):
            meeting["objective"] = args["objective"]
        if (day := parse_date(args.get("date"), "--date")) is not None:
            meeting["date"] = day
        payload["meeting"] = meeting
    for name in ("message", "methodology"):
        if args.get(name):
            payload[name] = args[name]
    if (path := args.get("transcript")) is not None:
        payload["transcript"] = read_text(Path(path), LIMITS.transcript, "transcript")
        payload["transcript_source"] = Path(path).name
    if (today := parse_date(args.get("as_of"))) is not None:
        payload["as_of"] = today
    return payload


def command_for(spec: Outline) -> Callable[..., None]:
    """A typer command whose signature is built from the capability's declaration."""

    @user_errors
    def command(**args: Any) -> None:
        fmt = OutputFormat.json if args.get("as_json") else args["fmt"]
        payload = payload_for(spec, args)
        from agent.capabilities.registry import capability
        from agent.interfaces.cli.startup import imports_at_start

        with imports_at_start():  # the capability, its analysis and contracts
            prepare = capability(spec.name).prepare
        if prepare is not None:
            payload = prepare(payload, cli_settings(args.get("workspace")))
        respond(payload, args.get("workspace"), fmt, brief=args.get("brief", False))

    command.__signature__ = inspect.Signature(_parameters(spec))  # type: ignore[attr-defined]
    command.__doc__ = spec.summary
    command.__name__ = spec.name
    return command


def register(app: typer.Typer, own: dict[str, Callable[..., None]]) -> None:
    """A command per capability that has one, in registry order; `own` holds the commands an
    interface module wrote for a capability (by capability name)."""
    for spec in outlines().values():
        if spec.command is None or not spec.runs:
            continue
        command = own.get(spec.name) or command_for(spec)
        app.command(spec.command, help=spec.summary, rich_help_panel=PANEL)(command)
