"""What comes in, read within bounds: the one place for input limits, bounded reads and the
checks every parsed document passes (depth, size, valid text).

Why here, in the base layer: the workspace reader (tools/), the transcript readers, the
contracts and the CLI all read input, and each must refuse the same things the same way. A
reader that calls `read()` on an unbounded stream lets `/dev/zero` fill memory; a parser that
recurses without a limit turns deeply nested JSON into a RecursionError traceback. Every
refusal is one InvalidInput naming the file, the limit and how to fix it, and never echoes
more than `ECHO` characters of the input.
"""

from __future__ import annotations

import json
import math
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any

import yaml

from agent.errors import InvalidInput, clip

MB = 1024 * 1024


@dataclass
class Limits:
    """Defaults sized well above any real deal, call or message, far below what hurts.

    Settings (agent/settings_env.py reads COACH_LIMIT_<FIELD>, e.g. COACH_LIMIT_TRANSCRIPT=1MB,
    and applies them with `set_limits`): every reader looks its limit up in `LIMITS` when it
    reads, so a lower limit applies everywhere with the same message. `id_length` is not a
    setting: a deal id names a folder, and file systems stop at 255 bytes."""

    deal_file: int = 2 * MB  # a workspace YAML/JSON file: the deal or an upstream section
    transcript: int = 5 * MB  # a call transcript, as a file or a request field
    utterances: int = 20_000  # turns in one transcript
    request: int = 5 * MB + MB  # a request body (it may carry a transcript and a deal)
    message: int = MB  # a request's message
    chat_message: int = 20_000  # one chat turn
    knowledge_file: int = 2 * MB  # one knowledge document
    history: int = 100 * MB  # a CSV of closed deals for `coach calibrate`
    depth: int = 32  # nesting of a parsed document
    nodes: int = 500_000  # values in a parsed document (YAML aliases expand)
    id_length: int = 255  # a deal, rep, contact or document id
    list_items: int = 200  # items of one list in a response before it says what was cut
    markdown: int = 200_000  # characters of a response's markdown
    field_chars: int = 8000  # one text field of a response (agent/sanitise.py)


LIMITS = Limits()
FIXED = ("id_length",)  # not settings (see Limits)


def set_limits(limits: Limits) -> None:
    """Make `limits` the process's limits, in place: every `LIMITS` imported anywhere sees
    them at its next read."""
    for f in fields(Limits):
        if f.name not in FIXED:
            setattr(LIMITS, f.name, getattr(limits, f.name))


def parse_size(text: str, where: str) -> int:
    """A positive count or size: 20000, 512kB, 5MB (1 kB = 1024 bytes)."""
    m = re.fullmatch(r"\s*(\d+)\s*(kb|mb|k|m)?\s*", text.lower())
    value = int(m.group(1)) * {"k": 1024, "m": MB}.get((m.group(2) or " ")[0], 1) if m else 0
    if value <= 0:
        raise InvalidInput(
            f"'{clip(text, 40)}' is not a positive number or size",
            where=where,
            fix="Use a whole number, or a size such as 512kB or 5MB",
        )
    return value


def size_text(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n / 1024:g} kB" if n >= 1024 else f"{n} bytes"


def read_bytes(path: Path, limit: int, what: str = "file") -> bytes:
    """At most `limit` bytes of a regular file (or a pipe, capped); devices are refused."""
    try:
        info = path.stat()
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            raise InvalidInput(
                f"not a regular file (a folder or a device) to read as the {what}",
                where=clip(str(path)),
                fix=f"Pass a regular file as the {what}",
            )
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise _too_big(what, str(path), limit)
        with path.open("rb") as handle:
            return read_stream(handle, limit, what, str(path))
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the {what} ({exc.strerror or type(exc).__name__})",
            where=clip(str(path)),
            fix=f"Pass a readable {what}",
        ) from None


def read_stream(handle: IO[bytes], limit: int, what: str, where: str) -> bytes:
    """At most `limit` bytes of a stream: one byte more than the limit is an error."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_big(what, where, limit)
    return data


def _too_big(what: str, where: str, limit: int) -> InvalidInput:
    return InvalidInput(
        f"the {what} is larger than {size_text(limit)}",
        where=clip(where),
        fix=f"Split or shorten it below {size_text(limit)}",
    )


def decode(data: bytes, where: str, what: str = "file") -> str:
    """UTF-8 text (a byte-order mark is dropped), or one message with the byte offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the {what} is not UTF-8 text (byte {exc.start})",
            where=clip(where),
            fix="Save it as UTF-8",
        ) from None


def read_text(path: Path, limit: int, what: str = "file") -> str:
    """A bounded, decoded read of one file."""
    return decode(read_bytes(path, limit, what), str(path), what)


class YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, with impossible dates (2026-02-30) reported at their line instead of
    escaping as a bare ValueError from the timestamp constructor."""

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"'{clip(str(node.value), 40)}' is not a valid date ({exc})",
                node.start_mark,
            ) from None


YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", YamlLoader.construct_yaml_timestamp)


def parse_document(text: str, where: str, *, json_only: bool = False) -> Any:
    """Parses YAML or JSON text (YAML reads JSON too) and checks the result with
    `check_tree`; every syntax or shape problem is one message with the line when known."""
    try:
        data = json.loads(text) if json_only else yaml.load(text, Loader=YamlLoader)  # noqa: S506
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"invalid JSON: {exc.msg}", where=f"{clip(where)}:{exc.lineno}", fix="Fix the syntax"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InvalidInput(
            clip(str(problem)), where=f"{clip(where)}{line}", fix="Fix the syntax"
        ) from None
    except RecursionError:
        raise _too_deep(where) from None
    check_tree(data, where)
    return data


def _too_deep(where: str) -> InvalidInput:
    return InvalidInput(
        f"nested deeper than {LIMITS.depth} levels",
        where=clip(where),
        fix="Flatten the structure; no contract nests that deep",
    )


def tree_problem(data: Any, limits: Limits = LIMITS) -> str | None:
    """What is wrong with parsed data, or None: too deep, too many values, a non-finite
    number, or text that is not valid Unicode (a lone surrogate from an escaped '\\ud800').
    Iterative, so depth itself can never overflow the stack. Each value is held with the
    link to its parent and its key, and the path is spelt out only for a problem: every
    input and every contract validated from outside is walked, and building each value's
    path, and testing abstract types, was most of the walk. Parsed data holds a few exact
    types, tested first; anything else takes the general test."""
    stack: list[tuple[Any, int, _Trail]] = [(data, 0, None)]
    pop, push = stack.pop, stack.append
    seen = 0
    nodes, deepest = limits.nodes, limits.depth
    while stack:
        value, depth, trail = pop()
        seen += 1
        if seen > nodes:
            return f"more than {nodes} values"
        if depth > deepest:
            return f"{_at(_path(trail))}: nested deeper than {deepest} levels"
        kind = type(value)
        if kind is str or (kind is not dict and kind is not list and isinstance(value, str)):
            if not value.isascii() and _bad_text(value):
                return f"{_at(_path(trail))}: text with an invalid character (lone surrogate)"
        elif kind is int or kind is bool or value is None:
            continue
        elif kind is float or isinstance(value, float):
            if not math.isfinite(value):
                return f"{_at(_path(trail))}: {value} is not a finite number"
        elif kind is dict or isinstance(value, Mapping):
            below = depth + 1
            for key, item in value.items():
                if isinstance(key, str) and not key.isascii() and _bad_text(key):
                    return f"{_at(_path(trail))}: a key with an invalid character"
                push((item, below, (trail, key, True)))
        elif kind is list or isinstance(value, list | tuple):
            below = depth + 1
            for i, item in enumerate(value):
                push((item, below, (trail, i, False)))
    return None


# How a value was reached: (the parent's trail, the key or index, whether it is a key)
_Trail = tuple[Any, Any, bool] | None


def _path(trail: _Trail) -> str:
    """The path a trail spells, as `a.b[0].c` (a key after the first clipped to 40)."""
    steps: list[tuple[Any, bool]] = []
    while trail is not None:
        trail, key, named = trail
        steps.append((key, named))
    path = ""
    for key, named in reversed(steps):
        if not named:
            path = f"{path}[{key}]"
        else:
            path = f"{path}.{clip(str(key), 40)}" if path else str(key)
    return path


def check_text(text: str, limit: int, where: str) -> str:
    """One piece of free text (a chat turn, an option): within `limit` characters and valid
    Unicode, else one message; returned unchanged."""
    if len(text) > limit:
        raise InvalidInput(
            f"longer than {limit} characters ({len(text)})",
            where=where,
            fix=f"Shorten it below {limit} characters",
        )
    if not text.isascii() and _bad_text(text):
        raise InvalidInput(
            "text with an invalid character (lone surrogate)",
            where=where,
            fix="Send valid Unicode text",
        )
    return text


def max_chars(name: str) -> Callable[[str | None], str | None]:
    """A field validator: at most `LIMITS.<name>` characters, the limit read when validating
    (a setting), in the words pydantic's own `max_length` used."""

    def check(value: str | None) -> str | None:
        limit = getattr(LIMITS, name)
        if value is not None and len(value) > limit:
            raise ValueError(f"should have at most {limit} characters, not {len(value)}")
        return value

    return check


def id_problem(value: str) -> str | None:
    """Why a value cannot be an id (a deal id names a folder), or None."""
    if not value:
        return "empty"
    if len(value.encode("utf-8", "surrogatepass")) > LIMITS.id_length:
        return f"longer than {LIMITS.id_length} bytes in UTF-8"
    return None


def check_id(value: str, where: str) -> str:
    """An id given on its own (a command-line option): one message when it cannot be one."""
    check_text(value, LIMITS.id_length, where)
    problem = id_problem(value)
    if problem is not None:
        raise InvalidInput(problem, where=where, fix="Pass an id from `coach deals`")
    return value


def _at(path: str) -> str:
    return clip(path or "(top level)", 120)


def check_tree(data: Any, where: str) -> None:
    """Raises one InvalidInput when `tree_problem` finds something."""
    problem = tree_problem(data)
    if problem is not None:
        raise InvalidInput(problem, where=clip(where), fix="Correct the value")


def _bad_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
