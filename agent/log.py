"""Standard logging for every front end: one `configure(level, fmt)`, two formats.

Library code only ever does `log = logging.getLogger(__name__)` and logs; whoever runs the
program (the `coach` CLI's root options, a server, a notebook) calls `configure` once. What is
logged where:

- INFO, what an operator follows: a request answered (capability, deal or rep, latency, how it
  was composed; agent/nodes/respond.py), an ingest started and finished with its counts
  (knowledge/ingest.py);
- WARNING, what needs a look: every warning a response carries, logged once by the respond
  node (a model call that fell back says why; grounding failures; suspected injections), a
  chat turn that fell back to the offline path, an index that cannot be read;
- DEBUG, detail: missing inputs, a failed model call's traceback, ingest phases.

Never logged: API keys (ModelSettings keeps them as SecretStr, and both formats mask anything
shaped like a key or a bearer token), whole deal records or transcripts (ids only).

Formats: `text` for people, one `level: message` line on stderr (coloured by rich on a
terminal, plain otherwise); `json`, one JSON object per line on stderr with `time`, `level`,
`logger`, `message` and every extra field (`capability`, `deal_id`, `code`, `latency_ms` ...,
plus `request_id` while a request bound with `bind` is running).

Levels: the project's own loggers (agent, knowledge, tools, evals) at the chosen level;
everything else (chromadb, httpx, LangChain) at WARNING or above, so DEBUG shows the coach's
detail, not every HTTP header of its libraries.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterator
from typing import Any, Literal

Format = Literal["text", "json"]
LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS: tuple[Format, ...] = ("text", "json")
DEFAULT_LEVEL = "WARNING"
DEFAULT_FORMAT: Format = "text"
PACKAGES = ("agent", "knowledge", "tools", "evals")

# Attributes every LogRecord has; anything else on a record is an extra field worth showing.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_CONTEXT: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("coach_log_context")
_SECRETS = (  # (pattern, what is kept): the name or prefix stays, the value goes
    re.compile(
        r"(?i)((?:api[_-]?key|authorization|password|secret|token)[\"']?\s*[:=]\s*[\"']?"
        r"(?:bearer\s+)?)[^\s\"',}]{4,}"
    ),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/\-]{8,}=*"),
    re.compile(r"\b((?:sk|pk|rk)-)[A-Za-z0-9_\-]{8,}"),  # OpenAI-style keys
)


def redact(text: str) -> str:
    """Anything shaped like a key or a token, masked: a safety net, not a licence to log them."""
    for pattern in _SECRETS:
        text = pattern.sub(r"\1***", text)
    return text


@contextlib.contextmanager
def bind(**fields: Any) -> Iterator[None]:
    """Fields added to every record logged inside the block (a request id, a deal id), also
    from nested calls; blocks nest, the inner value winning."""
    token = _CONTEXT.set({**_CONTEXT.get({}), **fields})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The record's extra fields: what `bind` holds, then what the call passed in `extra`."""
    extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
    return {**_CONTEXT.get({}), **extra}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: machine-readable for log shippers and `jq`."""

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        line: dict[str, Any] = {
            "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in fields_of(record).items():
            line.setdefault(key, value)
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, default=str, ensure_ascii=False)


_STYLE = {"DEBUG": "dim", "INFO": "cyan", "WARNING": "yellow", "ERROR": "bold red"}


class TextHandler(logging.Handler):
    """`warning: message` for people, through rich on stderr: colour on a terminal, plain text
    when stderr is a file or a pipe. Extra fields stay out of the line (the JSON format has
    them); DEBUG lines name their logger, for whoever is tracing."""

    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console

        self.console = Console(stderr=True)  # resolves sys.stderr when it prints

    def emit(self, record: logging.LogRecord) -> None:
        from rich.markup import escape

        try:
            level = record.levelname
            text = escape(redact(record.getMessage()))
            where = f" [dim]({record.name})[/]" if record.levelno < logging.INFO else ""
            style = _STYLE.get(level, "bold red")
            self.console.print(
                f"[{style}]{level.lower()}:[/] {text}{where}", highlight=False, soft_wrap=True
            )
            if record.exc_info:
                self.console.print(
                    escape(redact(logging.Formatter().formatException(record.exc_info))),
                    highlight=False,
                    style="dim",
                )
        except Exception:  # noqa: BLE001 - logging must never break the program
            self.handleError(record)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that writes to whatever sys.stderr is when it emits (test runners and
    tools swap it), rather than the one it was created with."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


class _Ours(logging.Filter):
    """The project's records at the chosen level; other libraries' only from WARNING up, even
    when they set their own loggers lower (bm25s logs its index builds at DEBUG)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level
        self.others = max(level, logging.WARNING)

    def filter(self, record: logging.LogRecord) -> bool:
        ours = record.name.partition(".")[0] in PACKAGES
        return record.levelno >= (self.level if ours else self.others)


def level_number(level: str | int) -> int:
    if isinstance(level, int):
        return level
    number = logging.getLevelName(level.upper())
    if not isinstance(number, int):
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LEVELS)}")
    return number


def configured() -> bool:
    """Whether `configure` has set up this process's logging (the CLI's root command does)."""
    return any(h.get_name() == "coach" for h in logging.getLogger().handlers)


def configure(level: str | int = DEFAULT_LEVEL, fmt: Format = DEFAULT_FORMAT) -> logging.Handler:
    """Route every log record to stderr in `fmt`, the project's loggers at `level` (see the
    module docstring). Calling it again replaces the previous configuration; returns the
    handler it installed."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown log format {fmt!r}; use one of {', '.join(FORMATS)}")
    number = level_number(level)
    handler: logging.Handler
    if fmt == "json":
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
    else:
        handler = TextHandler()
    handler.set_name("coach")
    handler.addFilter(_Ours(number))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "coach"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(max(number, logging.WARNING))
    for package in PACKAGES:
        logging.getLogger(package).setLevel(number)
    logging.captureWarnings(True)  # Python warnings (deprecations) go the same way
    return handler
