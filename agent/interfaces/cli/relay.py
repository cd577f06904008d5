"""`coach relay`: delivers the outbox's events to the downstream agents' webhooks named in the
relay file (COACH_RELAY, or --config). Runs until interrupted; `--once` delivers what is
there and exits (a cron job, a test). Ctrl-C stops between requests: the event in flight stays
pending and goes again next time (receivers de-duplicate by its id)."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Annotated

import typer

from agent.errors import InvalidInput
from agent.interfaces.cli.common import out, user_errors


@user_errors
def relay_command(
    once: Annotated[bool, typer.Option("--once", help="Deliver what is there, then exit")] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Relay file (default: $COACH_RELAY)", dir_okay=False),
    ] = None,
    outbox: Annotated[
        Path | None,
        typer.Option("--outbox", help="Outbox to relay (default: the file's, else COACH_OUTBOX)"),
    ] = None,
) -> None:
    """Deliver events to downstream agents: signed webhooks, retried, resumable."""
    from agent.respond.relay.config import ENV_VAR, load
    from agent.respond.relay.run import Relay, state_dir

    named = config or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
    if named is None:
        raise InvalidInput("no relay file", fix=f"Pass --config FILE or set ${ENV_VAR}")
    settings = load(named)
    path = outbox or settings.outbox or _default_outbox()
    relay = Relay(settings, path)
    signal.signal(signal.SIGTERM, lambda *_: relay.stop.set())
    try:
        stats = relay.run(once=once)
    except KeyboardInterrupt:
        relay.stop.set()
        stats = relay.stats
    for name, s in stats.items():
        out.print(
            f"{name}: {s.delivered} delivered, {s.skipped} not subscribed, {s.dead} dead-lettered, "
            f"{s.retries} retries",
            highlight=False,
            soft_wrap=True,
        )
    if any(s.dead for s in stats.values()):
        out.print(f"dead letters: {state_dir(path) / 'dead-letter.jsonl'}", soft_wrap=True)


def _default_outbox() -> Path:
    from agent.settings import CoachContext

    chosen = CoachContext.from_env().outbox
    if chosen is None:
        raise InvalidInput("the outbox is off", fix="Set COACH_OUTBOX or the file's `outbox`")
    return chosen
