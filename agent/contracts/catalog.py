"""The result shapes of every capability, found in the capabilities' own folders.

A capability folder (`agent/capabilities/<name>/`) holds a `contract.py` that is part of the
contracts layer: pydantic only, importing nothing but other contracts. It names its result model
`RESULT` (whose `kind` is the capability's name), its `SCOPE` ("deal", the default; "rep" for
coaching across a rep's deals; "live" for a stream that returns no response) and, in
`REQUIRES`, the request fields it cannot run without, each with the message a caller reads when
it is missing. The request's capability names and the response's result union are built from
these, so adding a capability never touches this package.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, get_args

from pydantic import BaseModel

Scope = Literal["deal", "rep", "live"]
CAPABILITIES_PACKAGE = "agent.capabilities"


@dataclass(frozen=True)
class ResultEntry:
    name: str
    model: type[BaseModel] | None
    scope: Scope = "deal"
    requires: dict[str, str] = field(default_factory=dict)


def _folders() -> list[str]:
    package = importlib.import_module(CAPABILITIES_PACKAGE)
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.ispkg)


@cache
def result_catalog() -> dict[str, ResultEntry]:
    """Every capability's result entry, by name, in folder order."""
    entries: dict[str, ResultEntry] = {}
    for folder in _folders():
        try:
            module = importlib.import_module(f"{CAPABILITIES_PACKAGE}.{folder}.contract")
        except ModuleNotFoundError as exc:
            if exc.name == f"{CAPABILITIES_PACKAGE}.{folder}.contract":
                continue  # a shared folder (common/), not a capability
            raise
        if "RESULT" not in vars(module):
            raise ImportError(
                f"{module.__name__} is being imported while the catalog is built (an import "
                "cycle through agent.contracts), or it does not declare RESULT"
            )
        model = module.RESULT
        name = folder
        if model is not None:
            (name,) = get_args(model.model_fields["kind"].annotation)
            if name != folder:
                raise TypeError(f"{model.__name__}.kind is '{name}' but its folder is '{folder}'")
        entries[name] = ResultEntry(
            name=name,
            model=model,
            scope=getattr(module, "SCOPE", "deal"),
            requires=dict(getattr(module, "REQUIRES", {})),
        )
    return entries


def request_capabilities() -> tuple[str, ...]:
    """Names a request may ask for: every capability that answers with a response."""
    return tuple(n for n, e in result_catalog().items() if e.scope != "live")


def scoped(scope: Scope) -> frozenset[str]:
    return frozenset(n for n, e in result_catalog().items() if e.scope == scope)
