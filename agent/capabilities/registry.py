"""The capability registry: each capability is declared once, in its own folder, and everything
else (the graphs, the router, the CLI, the chat's tools, the eval harness, the benchmarks)
reads it from here.

A folder `agent/capabilities/<name>/` is a capability when it holds:

    contract.py       the result model (RESULT), its scope and required request fields
    capability.py     CAPABILITY = Capability(...): node name, title, how to draft, CLI command
    template.md.j2    how the result reads for a person (the offline composer)
    intents.yaml      what a rep types to ask for it (the chat and the router learn from these)
    expectations.py   the eval keys its cases may use, checked on its typed result (optional)

and, optionally, `prompts/<name>.md`: the model composer's guidance for it (a capability without
one gets prompts/capability_default.md).
Nothing outside the folder names it: `tests/test_registry.py` adds a capability from a folder
alone and finds it in every one of those places.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from agent.capabilities.expectations import Expectations
from agent.contracts.catalog import CAPABILITIES_PACKAGE, ResultEntry, Scope, result_catalog
from agent.errors import UnknownCapability

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

    from agent.analysis.model import Analysis
    from agent.contracts.context import DealContext
    from agent.contracts.rep import RepContext
    from agent.contracts.request import CoachingRequest
    from agent.contracts.response import MissingInput
    from agent.settings import CoachContext

# Request fields a capability may read besides the deal (or rep): each becomes CLI options, a
# chat tool argument and a slot the router fills from a message.
RequestField = Literal["meeting", "message", "methodology", "transcript"]
FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Inputs:
    """What a capability may read to build its draft: the request, the deal (or the rep), the
    analysis, the run's settings and LangGraph's store when the graph has one."""

    request: CoachingRequest
    as_of: dt.date
    settings: CoachContext
    deal: DealContext | None = None
    analysis: Analysis | None = None
    rep: RepContext | None = None
    missing: tuple[MissingInput, ...] = ()
    store: BaseStore | None = None

    @property
    def ctx(self) -> DealContext:
        """The deal, for deal-scoped capabilities (the graph always loads it for them)."""
        assert self.deal is not None, "a deal capability ran without a deal"
        return self.deal

    @property
    def signals(self) -> Analysis:
        assert self.analysis is not None, "a deal capability ran without its analysis"
        return self.analysis


@dataclass(frozen=True)
class Draft:
    """A capability's complete, typed answer before composition, and any material beyond the
    input and the knowledge it cites that its text draws on (the checker's grounds)."""

    result: Any
    grounds: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Capability:
    name: str
    node: str  # the graph node: a verb phrase, e.g. "recommend_next_action"
    title: str
    summary: str  # one line: CLI help, the chat tool's description
    draft: Callable[[Inputs], Draft] | None  # None: a live capability, driven by its own engine
    command: str | None = None  # the CLI command; None when an interface declares its own
    uses: tuple[RequestField, ...] = ()
    options_help: Mapping[str, str] = field(default_factory=dict)  # help for a field it uses
    expectations: type[Expectations] = Expectations
    # Typed payloads for downstream agents, taken from the result (the envelope is added later).
    events: Callable[[Any], list[Any]] | None = None
    # Long-term memory written after a response is checked (respond), never while drafting.
    remember: Callable[[BaseStore, Any, Inputs], None] | None = None
    # Fills request fields a front end can find for the user (the deal's newest transcript).
    prepare: Callable[[dict[str, Any], CoachContext], dict[str, Any]] | None = None
    p95_budget_ms: float = 400.0  # the eval gate's latency budget for its cases
    median_target_ms: float = 50.0  # the benchmark's warm in-process target (bench_capabilities)
    folder: Path = field(default=FOLDER, compare=False)

    @property
    def entry(self) -> ResultEntry:
        return result_catalog()[self.name]

    @property
    def scope(self) -> Scope:
        return self.entry.scope

    @property
    def result(self) -> type[BaseModel] | None:
        return self.entry.model

    @property
    def template(self) -> str:
        """The template's name for the renderer: '<folder>/template.md.j2'."""
        return f"{self.folder.name}/template.md.j2"

    @property
    def intents_file(self) -> Path:
        return self.folder / "intents.yaml"


def _load(folder: str) -> Capability:
    module = importlib.import_module(f"{CAPABILITIES_PACKAGE}.{folder}.capability")
    spec = getattr(module, "CAPABILITY", None)
    if not isinstance(spec, Capability) or spec.name != folder:
        raise TypeError(f"{module.__name__} must declare CAPABILITY = Capability(name='{folder}')")
    path = Path(module.__file__ or "").resolve().parent
    return spec if spec.folder == path else _with_folder(spec, path)


def _with_folder(spec: Capability, path: Path) -> Capability:
    from dataclasses import replace

    return replace(spec, folder=path)


@cache
def _loaded(folder: str) -> Capability:
    return _load(folder)


@cache
def registry() -> Mapping[str, Capability]:
    """Every capability, by name, in folder order."""
    return {name: _loaded(name) for name in result_catalog()}


def capability(name: str) -> Capability:
    """One capability, importing only its own folder: a one-deal request (the graph's nodes
    look theirs up by name) never pays for the builders of the other capabilities."""
    if name not in result_catalog():
        raise UnknownCapability(name, sorted(n for n, c in registry().items() if c.draft))
    return _loaded(name)


def in_scope(*scopes: Scope) -> list[Capability]:
    return [c for c in registry().values() if c.scope in scopes]


def sample_request(spec: Capability, deal_id: str, rep_id: str, settings: CoachContext) -> Any:
    """A request for `spec` on a workspace deal (or its owner), completed the way a front end
    completes it: benchmarks and smoke tests run every capability through this."""
    from agent.contracts.request import CoachingRequest

    payload: dict[str, Any] = {"capability": spec.name}
    payload.update({"rep_id": rep_id} if spec.scope == "rep" else {"deal_id": deal_id})
    if spec.prepare is not None:
        payload = spec.prepare(payload, settings)
    return CoachingRequest.model_validate(payload)


def template_folders() -> list[Path]:
    """Where the renderer finds '<capability>/template.md.j2': for each capability, the first
    folder of the package's path that holds it (where importing it would find it), so
    rendering one answer imports no other capability."""
    import agent.capabilities as package

    roots = [Path(p).resolve() for p in package.__path__]
    found = (
        next((r for r in roots if (r / n / "capability.py").is_file()), None)
        for n in result_catalog()
    )
    return sorted({r for r in found if r is not None})
