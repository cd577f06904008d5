"""What a front end shows about each capability before any of it is needed: its command, summary,
scope and the request fields it reads, taken from the declarations' source, not by importing them.

Importing a capability imports its builder, the analysis, the knowledge and the contracts (about
a second of a command's start); `coach --help`, shell completion and a command that answers from
the workspace alone need only these few literals. They are read with `ast` from the same
`capability.py` and `contract.py` the registry imports, so there is still one declaration; a
declaration whose needed field is not a literal is read by importing the registry instead, and
`tests/cli/test_fast_start.py` checks that the two readings agree for every capability.
The graph wires one node per capability from these too (its node name), and each node imports
its capability when it first runs, so a one-deal run imports only the capability it answers.
"""

from __future__ import annotations

import ast
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import agent.capabilities as package  # the folders the registry reads (the catalog's package)

# Capability(...) keywords a front end reads, with the value a declaration that omits one has.
DEFAULTS: dict[str, Any] = {"command": None, "uses": (), "options_help": {}}


@dataclass(frozen=True)
class Outline:
    name: str
    summary: str
    command: str | None  # None: no command of its own (an interface declares it, or none)
    runs: bool  # False for a live capability: its draft is None, an engine drives it
    scope: str = "deal"
    node: str = ""  # the graph node (agent/graph.py wires one per capability from these)
    uses: tuple[str, ...] = ()
    options_help: Mapping[str, str] = field(default_factory=dict)


class NotLiteral(Exception):
    """A declaration says something only running it can tell."""


def _assigned(tree: ast.Module, target: str) -> ast.expr | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == target for t in node.targets
        ):
            return node.value
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == target
        ):
            return node.value
    return None


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise NotLiteral(ast.dump(node)[:80]) from None


def _read(folder: Path) -> Outline | None:
    declaration = folder / "capability.py"
    contract = folder / "contract.py"
    if not declaration.is_file() or not contract.is_file():
        return None  # a shared folder (common/)
    call = _assigned(ast.parse(declaration.read_text(encoding="utf-8")), "CAPABILITY")
    if not isinstance(call, ast.Call):
        raise NotLiteral(f"{declaration}: CAPABILITY")
    given = {k.arg: k.value for k in call.keywords if k.arg is not None}
    if call.args or any(k not in given for k in ("name", "node", "summary", "draft")):
        raise NotLiteral(f"{declaration}: positional or missing fields")
    values = {k: _literal(given[k]) if k in given else v for k, v in DEFAULTS.items()}
    draft = given["draft"]
    scope_node = _assigned(ast.parse(contract.read_text(encoding="utf-8")), "SCOPE")
    return Outline(
        name=_literal(given["name"]),
        summary=_literal(given["summary"]),
        runs=not (isinstance(draft, ast.Constant) and draft.value is None),
        scope=_literal(scope_node) if scope_node is not None else "deal",
        node=_literal(given["node"]),
        command=values["command"],
        uses=tuple(values["uses"]),
        options_help=dict(values["options_help"]),
    )


def _from_registry() -> dict[str, Outline]:
    from agent.capabilities.registry import registry

    return {
        name: Outline(
            name=name,
            summary=spec.summary,
            command=spec.command,
            runs=spec.draft is not None,
            scope=spec.scope,
            node=spec.node,
            uses=tuple(spec.uses),
            options_help=dict(spec.options_help),
        )
        for name, spec in registry().items()
    }


@cache
def outlines() -> dict[str, Outline]:
    """Every capability's outline, by name, in folder order (the registry's order)."""
    found: dict[str, Outline] = {}
    try:
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            path = getattr(info.module_finder, "path", None)
            if not info.ispkg or path is None:
                continue
            if (outline := _read(Path(path) / info.name)) is not None:
                found[outline.name] = outline
    except (NotLiteral, OSError, SyntaxError):
        return _from_registry()
    return found
