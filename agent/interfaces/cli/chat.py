"""`coach chat`: a sales copilot in the terminal. Answers stream; the conversation is kept per
rep and deal (LangGraph's checkpointer: SQLite, or PostgreSQL with COACH_DATABASE_URL) and
resumes after a restart. Threads idle past COACH_CHAT_RETENTION_DAYS go when a chat starts,
or with `--prune` alone."""

from __future__ import annotations

import logging
import re
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from agent.interfaces.cli.common import (
    WorkspaceOpt,
    cli_settings,
    complete_deal_id,
    complete_rep_id,
    err,
    out,
    user_errors,
)

if TYPE_CHECKING:
    from agent.chat.session import ChatSession

log = logging.getLogger(__name__)
# Words that end a session, also typed as a slash command (`/quit`, as other chat tools take):
# sent as a message, "/quit" was answered as a greeting and the session went on.
QUIT = frozenset({"exit", "quit", ":q", "bye!", "/exit", "/quit", "/q"})
_NUMBERED = re.compile(r"\d{1,9}[.)] ")  # an ordered list item, as Markdown reads one


def show_turn(chat: ChatSession, message: str) -> None:
    """Model tokens are written as they arrive; a whole answer is shown block by block. The
    turn's warning, if any, is already one line on stderr: the chat logged it when the turn
    fell back (agent/chat/model_nodes.py), in the --log-format chosen."""
    from rich.markdown import Markdown

    streamed = False
    for event in chat.ask(message):
        if event.kind == "token":
            sys.stdout.write(event.text)
            sys.stdout.flush()
            streamed = True
        elif event.kind == "answer":
            for block in event.text.split("\n\n"):
                out.print(Markdown(line_by_line(block)))
    if streamed:
        sys.stdout.write("\n")


def line_by_line(block: str) -> str:
    """A chat answer is written a line per point (the draft's subject and body, "Why:",
    "More:"); as Markdown, a line would run on into the paragraph, quote or list item above it.
    Lines of another kind than the one before are set apart, and plain lines break where the
    answer does."""

    def kind(line: str) -> str:
        stripped = line.lstrip()
        if stripped.startswith(">"):
            return "quote"
        if stripped.startswith("|") or line.startswith(("    ", "\t")):
            return "verbatim"
        if stripped[:2] in ("- ", "* ", "+ ") or _NUMBERED.match(stripped):
            return "list" if line == stripped else "nested"
        return "text"

    out: list[str] = []
    before, fenced = "", False
    for line in block.split("\n"):
        if fenced or line.lstrip().startswith("```"):
            fenced ^= line.lstrip().startswith("```")
            out.append(line)
            before = "verbatim"
            continue
        now = kind(line)
        if out and now != before and now != "nested" and not (before == "nested" and now == "list"):
            out.append("")
        out.append(line + "  " if now in ("text", "quote") else line)
        before = now
    return "\n".join(out)


@user_errors
def chat_command(
    deal: Annotated[
        str | None,
        typer.Option("--deal", "-d", help="Deal id, e.g. D-1003", autocompletion=complete_deal_id),
    ] = None,
    rep: Annotated[
        str | None,
        typer.Option(
            "--rep", "-r", help="Your rep id, e.g. rep-priya", autocompletion=complete_rep_id
        ),
    ] = None,
    new: Annotated[bool, typer.Option("--new", help="Start this conversation afresh")] = False,
    once: Annotated[
        str | None, typer.Option("--once", help="Ask one message, print the answer, exit")
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never call a model, even if one is configured")
    ] = False,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Chat model (default: $COACH_MODEL; none: offline)"),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune", help="Delete threads idle past COACH_CHAT_RETENTION_DAYS, then exit"
        ),
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Chat with the sales coach about a deal (or your deals); `exit` or Ctrl-D to leave."""
    from dataclasses import replace

    from agent.chat.context import ChatContext
    from agent.chat.session import ChatSession
    from agent.contracts.principal import Principal
    from agent.intake import check_id
    from agent.model.factory import ModelSettings
    from agent.stores import chat_place, saver_at
    from agent.stores.retention import prune as prune_idle
    from tools.sources import workspace_source

    coach_ctx = cli_settings(workspace)
    saver = saver_at(chat_place(coach_ctx))
    pruned = prune_idle(saver, coach_ctx.chat_retention_days)
    if prune:
        days = coach_ctx.chat_retention_days
        kept = f"idle over {days:g} days" if days > 0 else "none: COACH_CHAT_RETENTION_DAYS is 0"
        out.print(f"pruned {len(pruned)} chat threads ({kept})", highlight=False)
        return
    if rep and coach_ctx.principal is None:  # the chat's rep is who asks (--as or env win)
        coach_ctx = replace(coach_ctx, principal=Principal.parse(rep, "--rep"))
    source = workspace_source(coach_ctx.workspace, coach_ctx.principal)
    if deal:  # as written when a deal has that id (a CRM's may be mixed case), else upper
        deal = source.deal_named(deal) or check_id(deal.upper(), "--deal")
        # an unknown deal, or one the principal may not reach: the same message, exit 2
        source.get_deal(deal)
    settings = None if offline else ModelSettings.from_env(model)
    context = ChatContext(coach=coach_ctx, model=settings)
    chat = ChatSession(context, saver, deal_id=deal, rep_id=rep)
    if new:
        chat.forget()
    if once is not None:
        show_turn(chat, once)
        return
    mode = f"model {context.model_name}" if context.online else "offline"
    resumed = chat.turns()
    err.print(
        f"coach chat · {deal or 'no deal'} · {chat.rep_id or 'no rep'} · {mode}"
        + (f" · resumed ({resumed} earlier messages)" if resumed else "")
        + " · `exit` to leave",
        highlight=False,
    )
    while True:
        try:
            message = out.input("[bold cyan]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            err.print()
            break
        if not message:
            continue
        if message.lower() in QUIT:
            break
        try:
            show_turn(chat, message)
        except Exception as exc:  # noqa: BLE001 - one failed turn never ends the session
            ids = {"deal_id": deal, "rep_id": rep}
            log.warning(
                "that turn failed (%s: %s); the conversation goes on",
                type(exc).__name__,
                exc,
                extra=ids,
            )
            log.debug("the failed turn", exc_info=exc, extra=ids)
