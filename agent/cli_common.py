"""What every CLI command shares: user errors become one message and exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from agent.errors import CoachError

P = ParamSpec("P")
R = TypeVar("R")
err = Console(stderr=True)


def user_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """One clear line on stderr and exit code 2 for anything the user can fix."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CoachError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return wrapper
