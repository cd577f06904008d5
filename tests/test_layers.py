"""Imports point one way: from the flow's later steps to its earlier ones, never back.

Each module belongs to the first layer whose prefix it starts with; a module may import its own
layer and the layers listed before it. Within a layer, packages may import each other but never
in a cycle. A capability's `contract.py` is part of the contracts layer (pydantic only), so
what comes after the capabilities may read a result's shape without depending on how it is
built; what comes before them (reading, analysis, sources ...) serves every capability and
reads only agent/contracts, never one capability's folder.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agent", "tools", "knowledge", "evals", "prompts", "sample_workspace")

CONTRACT = r"^agent\.capabilities\.\w+\.contract$"
# Lowest first. A pattern is a module prefix, or a regex when it starts with '^'.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # prompts and sample_workspace are data packages: their __init__ holds only a docstring.
    (
        "base",
        (
            "agent.errors",
            "agent.files",
            "agent.formatting",
            "agent.gates",
            "agent.intake",
            "agent.kept_bundle",
            "agent.markup",
            "agent.memo",
            "agent.months",
            "agent.resources",
            "agent.sanitise",
            "prompts",
            "sample_workspace",
        ),
    ),
    ("contracts", ("agent.contracts", CONTRACT)),
    ("model", ("agent.model",)),
    ("knowledge", ("knowledge",)),
    ("sources", ("tools",)),
    (
        "settings",
        (
            "agent.settings",
            "agent.settings_env",
            "agent.settings_json",
            "agent.log",
            "agent.retrieval",
            "agent.memory",
            "agent.stores",
        ),
    ),
    ("grounding", ("agent.grounding",)),
    ("read", ("agent.reading",)),
    ("analyse", ("agent.analysis",)),
    ("state", ("agent.state",)),
    ("capability", ("agent.capabilities",)),
    ("route", ("agent.routing",)),
    ("compose", ("agent.compose",)),
    ("respond", ("agent.respond",)),
    ("nodes", ("agent.nodes",)),
    ("graph", ("agent.graph", "agent.service")),
    ("chat", ("agent.chat",)),
    ("evals", ("evals",)),
    ("interfaces", ("agent.interfaces", "agent.__main__")),
]
EXEMPT = {"agent"}  # the package's own __init__: only the version


def _layer(module: str) -> int | None:
    for i, (_, patterns) in enumerate(LAYERS):
        for p in patterns:
            if p.startswith("^"):
                if re.match(p, module):
                    return i
            elif module == p or module.startswith(p + "."):
                return i
    return None


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(path: Path, module: str) -> set[str]:
    """Every project module this file imports, at any depth (lazy imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{a.name}" for a in node.names)
    return {n for n in names if n.split(".")[0] in PACKAGES}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path, name):
            # `from a.b import c` names a module a.b.c or a name in a.b: keep what exists
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        edges[name] = targets
    return edges


def test_every_module_has_a_layer() -> None:
    unplaced = [m for m in _modules() if m not in EXEMPT and _layer(m) is None]
    assert not unplaced, f"modules in no layer (add them to LAYERS): {unplaced}"


def test_imports_never_climb() -> None:
    climbs = []
    for module, targets in _graph().items():
        if module in EXEMPT:
            continue
        mine = _layer(module)
        for target in targets:
            theirs = _layer(target)
            if mine is not None and theirs is not None and theirs > mine:
                climbs.append(f"{module} ({LAYERS[mine][0]}) -> {target} ({LAYERS[theirs][0]})")
    assert not climbs, "imports that climb back up the flow:\n" + "\n".join(sorted(climbs))


def _contracts_read_below(edges: dict[str, set[str]]) -> list[str]:
    """Imports of a capability's contract from a layer below the capabilities."""
    capability = next(i for i, (name, _) in enumerate(LAYERS) if name == "capability")
    found = []
    for module, targets in edges.items():
        mine = _layer(module)
        if mine is None or mine >= capability or module in EXEMPT:
            continue
        found += [
            f"{module} ({LAYERS[mine][0]}) -> {target}"
            for target in targets
            if re.match(CONTRACT, target)
        ]
    return sorted(found)


def test_layers_below_the_capabilities_read_no_capability_contract() -> None:
    found = _contracts_read_below(_graph())
    assert not found, "a capability's contract read below the capabilities:\n" + "\n".join(found)


def test_a_capability_contract_read_from_reading_is_caught() -> None:
    """The check itself: reading's detectors once took their cue kinds from live assist's
    contract (now agent/contracts/cues.py); an import like it is reported, one from a node is
    not."""
    old = {"agent.reading.detectors": {"agent.capabilities.live_assist.contract"}}
    assert _contracts_read_below(old) == [
        "agent.reading.detectors (read) -> agent.capabilities.live_assist.contract"
    ]
    assert _contracts_read_below({"agent.nodes.draft": set(old["agent.reading.detectors"])}) == []
    assert _contracts_read_below({"agent.reading.detectors": {"agent.contracts.cues"}}) == []


def _package(module: str) -> str:
    """The unit cycles are judged at: a folder (agent.capabilities.next_best_action)."""
    parts = module.split(".")
    if re.match(CONTRACT, module):  # a result's shape belongs with the contracts
        return "agent.contracts"
    if parts[0] != "agent":
        return parts[0]
    if len(parts) > 2 and parts[1] == "capabilities" and parts[2] not in ("registry",):
        return ".".join(parts[:3])
    return ".".join(parts[:2])


def test_no_cycles_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in _graph().items():
        for target in targets:
            a, b = _package(module), _package(target)
            if a != b:
                graph[a].add(b)
    cycles = []
    for start in list(graph):
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert not cycles, "package cycles:\n" + "\n".join(sorted(set(cycles)))
