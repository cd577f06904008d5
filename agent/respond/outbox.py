"""The outbox: downstream events appended as JSON lines, one writer at a time (the file's lock,
agent/files.py, as every shared file), so a relay process can tail the file and forward events
to webhooks or a queue."""

from __future__ import annotations

from pathlib import Path

from agent.contracts.events import DownstreamEvent
from agent.files import lock_for


def append_events(path: Path, events: list[DownstreamEvent]) -> None:
    if not events:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(e.model_dump_json() + "\n" for e in events)
    with lock_for(path), path.open("a", encoding="utf-8") as handle:
        handle.write(lines)
        handle.flush()


def read_events(path: Path) -> list[DownstreamEvent]:
    if not path.is_file():
        return []
    return [
        DownstreamEvent.model_validate_json(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
