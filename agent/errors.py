"""User-facing errors: each carries one readable message saying what, where and how to fix it.

The CLI turns these into exit code 2 without a traceback; servers turn them into 4xx answers.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

# How much of an input a message may quote: enough to recognise it, never the input itself.
ECHO = 200
# A whole message stays readable however many parts it has.
MESSAGE = 2_000


def clip(text: str, limit: int = ECHO) -> str:
    """At most `limit` characters of `text`, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def _sentence(part: str) -> str:
    """A part of a message ended once: "which one?" stays a question, not "which one?."."""
    return part if part.endswith(("?", "!")) else part.rstrip(".") + "."


class CoachError(Exception):
    """An error the user can fix; `str()` is the whole message."""

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what, self.where, self.fix = what, where, fix
        parts = [f"{where}: {what}" if where else what]
        if fix:
            parts.append(fix)
        super().__init__(clip(" ".join(map(_sentence, parts)), MESSAGE))


class DealNotFound(CoachError):
    """`known`: the deals the asker may reach (never another's), which the fix lists, and
    among which it names the id they most likely meant: the same id in another case ("d-1003"
    for "D-1003": ids are matched as written, since a CRM's may differ by case alone), else a
    near spelling."""

    def __init__(self, deal_id: str, looked_in: str, known: Sequence[str]) -> None:
        listing = ", ".join(known[:20]) + (" …" if len(known) > 20 else "") if known else "none"
        meant = [k for k in known if k.casefold() == deal_id.casefold()]
        meant = meant or difflib.get_close_matches(deal_id, known, n=3, cutoff=0.85)
        guess = f"Did you mean {' or '.join(repr(m) for m in meant)}? " if meant else ""
        super().__init__(
            f"no deal '{clip(deal_id)}'",
            where=looked_in,
            fix=f"{guess}Deals there: {listing}. Run `coach deals` to list them or pass "
            "--workspace",
        )


class InvalidInput(CoachError):
    """A file or payload that does not match its contract."""


class ServiceUnavailable(CoachError):
    """A service the agent depends on (a Chroma server) did not answer: the CLI exits 2, the
    HTTP service answers 503 and /readyz says not ready."""


class UnknownCapability(CoachError):
    def __init__(self, name: str, valid: Sequence[str]) -> None:
        super().__init__(
            f"unknown capability '{clip(name)}'", fix=f"Valid capabilities: {', '.join(valid)}"
        )


def describe_validation_error(errors: Sequence[Any], limit: int = 3, *, quote: bool = True) -> str:
    """Turns pydantic's error list into 'field.path[2]: problem (got X)' lines, a few at most;
    `quote=False` leaves the offending values out (an untrusted sender's text never travels
    into a message that reaches the user)."""
    lines = []
    for err in list(errors)[:limit]:
        loc = ""
        for part in err.get("loc", ()):
            loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        got = err.get("input")
        shown = ""
        if (
            quote
            and got is not None
            and not isinstance(got, dict | list)
            and err.get("type") != "missing"
        ):
            shown = f" (got {clip(repr(got))})"
        lines.append(f"{loc or '(top level)'}: {msg}{shown}")
    more = len(errors) - limit
    if more > 0:
        lines.append(f"and {more} more problem(s)")
    return "; ".join(lines)


def validated_as(model: type[M], data: Any, where: str, fix: str | None = None) -> M:
    """`data` as `model`, or one InvalidInput naming the fields' problems (at most a few)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(describe_validation_error(exc.errors()), where=where, fix=fix) from None
