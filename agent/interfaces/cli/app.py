"""`coach`: the command line. Readable output for people (rich), exact JSON for programs.

User errors print one message and exit with code 2, never a traceback. `coach --version` names
the installed release; `coach --install-completion` (or `--show-completion bash|zsh|fish`)
sets up shell completion of commands, options, deal ids and rep ids.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from agent.interfaces.cli.startup import imports_at_start

with imports_at_start():  # typer, rich, click: a third of `coach --help` (startup.py: why)
    import typer
    from rich.console import Console
    from typer.completion import install_callback, show_callback
    from typer.core import TyperGroup

    from agent.errors import InvalidInput
    from agent.interfaces.cli.common import (
        AS_PRINCIPAL,
        OutputFormat,
        WorkspaceOpt,
        respond,
        user_errors,
    )

DISTRIBUTION = "sales-coach"
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


class CoachGroup(TyperGroup):
    """The root command. Typer's `--show-completion` and `--install-completion` are flags that
    detect the shell from the parent process; `coach --show-completion bash` names it instead,
    which is what a Dockerfile, a dotfiles script or a shell other than the login one needs."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        callbacks = {"--show-completion": show_callback, "--install-completion": install_callback}
        for flag, shell in zip(args, args[1:], strict=False):
            if flag in callbacks and shell in SHELLS:
                param = next(p for p in self.get_params(ctx) if flag in p.opts)
                callbacks[flag](ctx, param, shell)  # prints or installs, then exits
        return list(super().parse_args(ctx, args))


app = typer.Typer(
    cls=CoachGroup,
    help="Grounded, cited sales coaching for B2B deals; works offline.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
out = Console()


def installed_version() -> str:
    """The installed distribution's version; a source checkout that was never installed falls
    back to the package's own `agent.__version__`."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        from agent import __version__

        return __version__


def _print_version(value: bool) -> None:
    if value:
        out.print(f"coach {installed_version()}", highlight=False)
        raise typer.Exit()


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


class LogFormat(StrEnum):
    text = "text"
    json = "json"


@app.callback()
@user_errors
def main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
    log_level: Annotated[
        LogLevel | None,
        typer.Option(
            "--log-level",
            case_sensitive=False,
            help="What is logged to stderr (default: $COACH_LOG_LEVEL, else warning)",
        ),
    ] = None,
    log_format: Annotated[
        LogFormat | None,
        typer.Option(
            "--log-format",
            case_sensitive=False,
            help="text for people, json for one object per line "
            "(default: $COACH_LOG_FORMAT, else text)",
        ),
    ] = None,
    principal: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who is asking, [tenant/]id (default: $COACH_PRINCIPAL or $COACH_REP); only "
            "their deals, team and threads are reachable. Unset: every deal (single user)",
        ),
    ] = None,
) -> None:
    """Grounded, cited sales coaching for B2B deals; works offline."""
    from agent.contracts.principal import Principal
    from agent.log import configure
    from agent.settings_env import LogSettings

    # every command below reads it through common.cli_settings; reset when not given
    AS_PRINCIPAL.set(Principal.parse(principal) if principal is not None else None)

    chosen = LogSettings.from_env(
        log_level.value if log_level else None, log_format.value if log_format else None
    )
    configure(chosen.level, chosen.format)


@app.command()
@user_errors
def request(
    path: Annotated[str, typer.Argument(help="CoachingRequest as JSON or YAML; - for stdin")],
    workspace: WorkspaceOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.json,
) -> None:
    """Answer a typed CoachingRequest (how an orchestrator calls the agent)."""
    from agent.intake import LIMITS, decode, parse_document, read_bytes, read_stream

    where = "stdin" if path == "-" else path
    if path == "-":
        data = read_stream(sys.stdin.buffer, LIMITS.request, "request", where)
    else:
        data = read_bytes(Path(path), LIMITS.request, "request")
    payload = parse_document(decode(data, where, "request"), where)  # YAML reads JSON too
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
    from agent.interfaces.cli.a2a import a2a_command
    from agent.interfaces.cli.batch import batch_command
    from agent.interfaces.cli.calibrate import calibrate_command
    from agent.interfaces.cli.capabilities import PANEL, register
    from agent.interfaces.cli.chat import chat_command
    from agent.interfaces.cli.classify import classify_command
    from agent.interfaces.cli.deals import deals_command
    from agent.interfaces.cli.debrief import debrief_command
    from agent.interfaces.cli.eval import eval_command
    from agent.interfaces.cli.import_crm import import_command
    from agent.interfaces.cli.kb import kb
    from agent.interfaces.cli.live import live_command
    from agent.interfaces.cli.mcp import mcp_command
    from agent.interfaces.cli.relay import relay_command
    from agent.interfaces.cli.serve import serve_command

    app.command("deals")(deals_command)  # the workspace's deals as a table (cli/deals.py)
    register(app, {"post_call_analysis": debrief_command})  # one command per capability
    app.add_typer(kb, name="kb")
    app.command("eval")(eval_command)
    app.command("calibrate")(calibrate_command)
    app.command("live", rich_help_panel=PANEL)(live_command)
    app.command("chat", rich_help_panel=PANEL)(chat_command)
    app.command("serve")(serve_command)
    app.command("mcp")(mcp_command)
    app.command("a2a")(a2a_command)
    app.command("batch")(batch_command)  # one capability over many deals (cli/batch.py)
    app.command("classify")(classify_command)
    app.command("import")(import_command)  # CRM exports into a workspace (cli/import_crm.py)
    app.command("relay")(relay_command)


with imports_at_start():
    _register_subcommands()

if __name__ == "__main__":  # pragma: no cover
    app()
