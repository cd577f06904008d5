"""What every CLI command shares: user errors become one message and exit code 2; the common
options; and answering a request in markdown or JSON."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from contextvars import ContextVar
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from agent.errors import CoachError, InvalidInput, clip

if TYPE_CHECKING:
    from rich.progress import Progress

    from agent.contracts.principal import Principal
    from agent.contracts.response import CoachingResponse
    from agent.settings import CoachContext
    from tools.sources import WorkspaceSource

log = logging.getLogger(__name__)
# The root command's `--as`, set (or reset to None) by every invocation before its command runs.
AS_PRINCIPAL: ContextVar[Principal | None] = ContextVar("AS_PRINCIPAL", default=None)
P = ParamSpec("P")
R = TypeVar("R")
err = Console(stderr=True)
out = Console()


def progress_bar(console: Console) -> Progress:
    """The bar long commands show on stderr: on a terminal only, none when piped or logged."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def user_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """One clear line on stderr and exit code 2 for anything the user can fix. Once logging
    is set up (the root command does it), the line is an ERROR record, so `--log-format json`
    keeps stderr all JSON; before that (a bad --log-level), it is printed."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CoachError as exc:
            from agent.log import configured

            if configured():
                log.error("%s", exc, extra={"code": "user_error", "error": type(exc).__name__})
            else:
                err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return wrapper


def cli_settings(workspace: Path | None = None) -> CoachContext:
    """The run's settings from the environment, with the root command's `--as` principal
    (which wins over COACH_PRINCIPAL) when one was given."""
    from dataclasses import replace

    from agent.settings import CoachContext

    settings = CoachContext.from_env(workspace)
    principal = AS_PRINCIPAL.get()
    return replace(settings, principal=principal) if principal is not None else settings


def _source_of(ctx: typer.Context) -> WorkspaceSource:
    """The workspace a command line names so far (--workspace), else the environment's, as
    the environment's principal sees it (completion never offers another rep's deals)."""
    from tools.sources import workspace_source

    chosen = ctx.params.get("workspace")
    settings = cli_settings(Path(chosen) if chosen else None)
    return workspace_source(settings.workspace, settings.principal)


def complete_deal_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of a deal id from the workspace's deals/ folder. Completion must never
    fail loudly: a missing or broken workspace completes nothing."""
    try:
        ids = _source_of(ctx).deal_ids()
    except (CoachError, OSError):
        return []
    return [d for d in ids if d.lower().startswith(incomplete.lower())]


def complete_rep_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of a rep id: the owners of the workspace's deals."""
    try:
        owners = _source_of(ctx).rep_ids()
    except (CoachError, OSError):
        return []
    return sorted(r for r in owners if r.lower().startswith(incomplete.lower()))


DealArg = Annotated[
    str, typer.Argument(help="Deal id, e.g. D-1003", autocompletion=complete_deal_id)
]
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: $COACH_WORKSPACE, else the shipped sample)",
        file_okay=False,
    ),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Treat this date (YYYY-MM-DD) as today")
]


BRIEF_OPT = Annotated[
    bool,
    typer.Option(
        "--brief", help="Eight lines: the action, why, what to say, the sections behind it"
    ),
]


class OutputFormat(StrEnum):
    markdown = "markdown"
    json = "json"


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"'{clip(value)}' is not a date", where=option, fix="Use YYYY-MM-DD"
        ) from None


def respond(
    payload: dict[str, Any], workspace: Path | None, fmt: OutputFormat, brief: bool = False
) -> CoachingResponse:
    """Run the request and print its answer: JSON, the report, or its brief view (the same
    one the chat leads with, agent/compose/brief.py)."""
    from agent.interfaces.cli.startup import imports_at_start

    with imports_at_start():
        from agent.contracts.request import parse_request
        from agent.service import coach

    request = parse_request(payload)
    # The response's warnings reach stderr through logging (the respond node logs each once),
    # in the --log-format the user chose; they are not printed here a second time.
    response = coach(request, cli_settings(workspace))
    if fmt is OutputFormat.json:
        sys.stdout.write(response.model_dump_json(indent=2) + "\n")
        return response
    from rich.markdown import Markdown

    if brief:
        from agent.compose.brief import brief as brief_view

        hint = "run it without --brief for the full report, sources included"
        out.print(Markdown(brief_view(response.markdown, hint=hint)))
    else:
        out.print(Markdown(response.markdown))
    return response
