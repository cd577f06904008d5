"""`coach`: the command line. Readable output for people (rich), exact JSON for programs.

User errors print one message and exit with code 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from agent.errors import InvalidInput
from agent.interfaces.cli.common import (
    AsOfOpt,
    OutputFormat,
    WorkspaceOpt,
    parse_date,
    respond,
    user_errors,
)

app = typer.Typer(
    help="Grounded, cited sales coaching for B2B deals; works offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()


@app.command()
@user_errors
def deals(workspace: WorkspaceOpt = None) -> None:
    """List the deals in the workspace."""
    from agent.settings import CoachContext
    from tools.sources import WorkspaceSource

    source = WorkspaceSource(CoachContext.from_env(workspace).workspace)
    table = Table(title=f"Deals in {source.root}")
    for column in ("id", "account", "stage", "amount", "close", "owner"):
        table.add_column(column, justify="right" if column == "amount" else "left")
    for d in source.list_deals():
        table.add_row(
            d.id,
            d.account,
            d.stage,
            f"{d.currency} {d.amount:,.0f}",
            d.expected_close.isoformat(),
            d.owner,
        )
    out.print(table)


def _capability_command(name: str, capability: str, summary: str) -> None:
    """One CLI command per capability, all with the same arguments and output formats."""

    @user_errors
    def command(
        deal_id: Annotated[str, typer.Argument(help="Deal id, e.g. D-1003")],
        workspace: WorkspaceOpt = None,
        fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.markdown,
        as_of: AsOfOpt = None,
    ) -> None:
        payload: dict[str, Any] = {"capability": capability, "deal_id": deal_id}
        if (date := parse_date(as_of)) is not None:
            payload["as_of"] = date
        respond(payload, workspace, fmt)

    command.__doc__ = summary
    app.command(name)(command)


def _meeting_command(name: str, capability: str, summary: str) -> None:
    """Meeting preparation: the deal plus who attends, for how long, and why."""

    @user_errors
    def command(
        deal_id: Annotated[str, typer.Argument(help="Deal id, e.g. D-1003")],
        attendee: Annotated[
            list[str] | None, typer.Option(help="Contact or team member id attending (repeatable)")
        ] = None,
        minutes: Annotated[int | None, typer.Option(min=5, max=480)] = None,
        objective: Annotated[str | None, typer.Option()] = None,
        agenda_item: Annotated[
            list[str] | None, typer.Option(help="An item on the customer's own agenda (repeatable)")
        ] = None,
        date: Annotated[str | None, typer.Option(help="Meeting date, YYYY-MM-DD")] = None,
        workspace: WorkspaceOpt = None,
        fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.markdown,
        as_of: AsOfOpt = None,
    ) -> None:
        meeting: dict[str, Any] = {
            "attendees": attendee or [],
            "customer_agenda": agenda_item or [],
        }
        if minutes:
            meeting["duration_minutes"] = minutes
        if objective:
            meeting["objective"] = objective
        if (day := parse_date(date, "--date")) is not None:
            meeting["date"] = day
        payload: dict[str, Any] = {"capability": capability, "deal_id": deal_id, "meeting": meeting}
        if (today := parse_date(as_of)) is not None:
            payload["as_of"] = today
        respond(payload, workspace, fmt)

    command.__doc__ = summary
    app.command(name)(command)


def _text_command(name: str, capability: str, field: str, help_text: str, summary: str) -> None:
    """A capability steered by one piece of text (a typed objection, a methodology name)."""

    @user_errors
    def command(
        deal_id: Annotated[str, typer.Argument(help="Deal id, e.g. D-1003")],
        text: str | None = None,
        workspace: WorkspaceOpt = None,
        fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.markdown,
        as_of: AsOfOpt = None,
    ) -> None:
        payload: dict[str, Any] = {"capability": capability, "deal_id": deal_id}
        if text:
            payload[field] = text
        if (date := parse_date(as_of)) is not None:
            payload["as_of"] = date
        respond(payload, workspace, fmt)

    # The option's name depends on `field`: set a real annotation, not a deferred string.
    command.__annotations__["text"] = Annotated[
        str | None, typer.Option(f"--{field}", help=help_text)
    ]
    command.__doc__ = summary
    app.command(name)(command)


_capability_command(
    "next-action",
    "next_best_action",
    "The next best action for a deal, with rationale, timing, alternatives and sources.",
)
_capability_command(
    "adherence",
    "process_adherence",
    "Process adherence: steps done, missed, waived; corrections; the rep's pattern.",
)
_capability_command(
    "stakeholders",
    "stakeholder_strategy",
    "Stakeholder engagement strategy: coverage, gaps and a plan per person.",
)
_capability_command(
    "strategy",
    "deal_strategy",
    "Deal strategy: win probability, themes, competition, risks, plan to close.",
)
_meeting_command(
    "brief", "pre_call_brief", "Pre-call briefing package for the next meeting, with a crib."
)
_meeting_command(
    "agenda", "meeting_agenda", "Meeting agenda and conversation framework, customer-ready."
)
_text_command(
    "objections",
    "objection_guide",
    "message",
    'What the customer said, e.g. "they said we\'re too expensive"',
    "Objection handling guide: likely objections ranked, or the one you type.",
)
_text_command(
    "methodology",
    "methodology_coaching",
    "methodology",
    "MEDDICC, BANT, SPIN, Challenger, Sandler, SPICED, Solution Selling, Command of the "
    "Message or Gap Selling (default: MEDDICC)",
    "Methodology coaching: the framework scored against this deal's evidence.",
)


@app.command()
@user_errors
def performance(
    rep: Annotated[str, typer.Option("--rep", help="Rep id, e.g. rep-priya (deal owners)")],
    workspace: WorkspaceOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.markdown,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Performance coaching for a rep across their deals: patterns, focus, plan, progress."""
    payload: dict[str, Any] = {"capability": "performance_coaching", "rep_id": rep}
    if (date := parse_date(as_of)) is not None:
        payload["as_of"] = date
    respond(payload, workspace, OutputFormat.json if as_json else fmt)


@app.command()
@user_errors
def request(
    path: Annotated[str, typer.Argument(help="CoachingRequest as JSON or YAML; - for stdin")],
    workspace: WorkspaceOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.json,
) -> None:
    """Answer a typed CoachingRequest (how an orchestrator calls the agent)."""
    import yaml

    where = "stdin" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"cannot read the request ({exc.__class__.__name__})",
            where=where,
            fix="Pass a readable UTF-8 JSON or YAML file",
        ) from None
    try:
        payload = yaml.safe_load(text)  # YAML is a superset of JSON
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InvalidInput(
            "not valid JSON or YAML", where=f"{where}{line}", fix="Fix the syntax"
        ) from None
    if not isinstance(payload, dict):
        raise InvalidInput(
            "the request must be one object", where=where, fix="See `coach schema request`"
        )
    respond(payload, workspace, fmt)


SCHEMAS = ("request", "response", "deal-context")


@app.command()
@user_errors
def schema(
    name: Annotated[str | None, typer.Argument(help="request, response or deal-context")] = None,
) -> None:
    """Print the JSON Schema of the contracts (all of them, or one)."""
    from pydantic import BaseModel

    from agent.contracts import CoachingRequest, CoachingResponse, DealContext

    models: dict[str, type[BaseModel]] = {
        "request": CoachingRequest,
        "response": CoachingResponse,
        "deal-context": DealContext,
    }
    if name is not None and name not in models:
        raise InvalidInput(f"unknown schema '{name}'", fix=f"Choose one of: {', '.join(SCHEMAS)}")
    chosen = {name: models[name]} if name else models
    schemas = {key: model.model_json_schema() for key, model in chosen.items()}
    document = schemas[name] if name else schemas
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def _register_subcommands() -> None:
    from agent.interfaces.cli.calibrate import calibrate_command
    from agent.interfaces.cli.chat import chat_command
    from agent.interfaces.cli.debrief import debrief_command
    from agent.interfaces.cli.eval import eval_command
    from agent.interfaces.cli.kb import kb
    from agent.interfaces.cli.live import live_command

    app.add_typer(kb, name="kb")
    app.command("eval")(eval_command)
    app.command("calibrate")(calibrate_command)
    app.command("live")(live_command)
    app.command("debrief")(debrief_command)
    app.command("chat")(chat_command)


_register_subcommands()

if __name__ == "__main__":  # pragma: no cover
    app()
