"""The imports a command makes before it answers, without the cyclic garbage collector.

Why: `coach next-action` imports LangGraph, langchain-core, langsmith, the contracts and its
capability (a million objects or so) and the collector would walk that growing heap again and
again while it is built (about a tenth of the process's CPU time), then once more at every full
collection while the graph runs; `coach --help` pays the same for typer, rich and click (about
a fifth of its time). The CLI module's own imports, a capability command's and `respond`'s run
here. None of those objects is garbage: modules, classes and their
caches live as long as the process. So the collector waits while they are imported and, when an
import did build something, what exists then is moved to the permanent generation
(`gc.freeze`), out of every later collection's sight. Collection then resumes as before for
what the run allocates, so a long command (chat, batch, serve) is as safe as ever.

The cost is bounded: the few cycles that became garbage during those imports (some thousand
objects, a few hundred kB) are never freed. A block that imports nothing new freezes nothing,
so a process that answers many times (tests, a caller of `respond`) freezes once.

A few packages the path imports for one small part are initialised only when something reads
a name from them (`DEFERRED`): their submodules import as ever, and their `__init__` runs the
first time an attribute the package itself defines is asked for, so whoever needs all of it
still gets all of it. The modules of LangGraph, langchain-core and langsmith run with pydantic's
`defer_build` default on (`BUILT_ON_FIRST_USE`): their models are built when first used. LangGraph
stays the runtime; only work nothing on the path reads waits.
"""

from __future__ import annotations

import gc
import importlib
import importlib.machinery
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importlib.abc imports importlib.resources: a tenth of `coach --help`
    from importlib.abc import Loader
else:
    Loader = object

# The package -> why its `__init__` can wait; the CPU that saves where the path imports it
# (measured alone, 2 cores, bytecode; tests/cli/test_fast_start.py checks they stay unread).
DEFERRED: dict[str, str] = {
    # langsmith.run_trees (every Runnable's tracer) needs one Literal, from
    # `langsmith.types.run_select_field`; the package's __init__ imports all 164 generated API
    # models with it: 0.17 s
    "langsmith.types": "generated API models",
    # langgraph.runtime needs `langgraph_sdk.auth.types.BaseUser`; the package's __init__
    # imports the SDK's HTTP client (httpx, websockets and the client's modules): 0.09 s
    "langgraph_sdk": "the SDK's HTTP client",
    # LangGraph's SQLite store imports it for vector search, which the memory does not
    # configure (agent/memory.py); its __init__ imports numpy: 0.07 s
    "sqlite_vec": "numpy, for vector search",
    # `coach deals` and `coach batch` read a deal's state from `agent.analysis.closure` (a stage
    # name against the process); the package's __init__ imports the whole analysis and the
    # reading rules it runs: 0.5 s of a listing
    "agent.analysis": "the deal analysis, for one module",
}


# Packages whose pydantic models are built when first used (validated, dumped, asked for
# their schema), not when their modules load: on `coach next-action`'s path LangGraph,
# langchain-core and langsmith define about 90 models (messages, run trees, langsmith's
# schemas) and an answer builds two; building them took about 60 ms of CPU. A model that asks
# to be built at once (`defer_build=False`) is; pydantic builds a deferred one the same way.
BUILT_ON_FIRST_USE = frozenset({"langchain_core", "langgraph", "langsmith"})


class _DeferredInit(Loader):
    """Makes the package's module without running its `__init__`; a module `__getattr__` runs
    it, once and under a lock, when a name the module lacks is first asked for. A name that is
    one of its submodules (`from package import part`) imports that submodule, as it would
    have: the `__init__` may itself be importing the module that asks."""

    def __init__(self, real: Loader) -> None:
        self.real = real

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        real, lock, done = self.real, threading.Lock(), list[bool]()

        def __getattr__(name: str) -> Any:
            if not done and _submodule(module, name):
                return importlib.import_module(f"{module.__name__}.{name}")
            with lock:
                if not done:
                    done.append(True)
                    del module.__dict__["__getattr__"]
                    module.__loader__ = real
                    if module.__spec__ is not None:
                        module.__spec__.loader = real
                    real.exec_module(module)
            return module.__dict__[name] if name in module.__dict__ else _missing(module, name)

        module.__dict__["__getattr__"] = __getattr__


def _submodule(module: ModuleType, name: str) -> bool:
    """Whether `name` is a module of the package (not yet imported: else it is set on it)."""
    if not name.isidentifier() or name.startswith("__"):
        return False
    path = getattr(module, "__path__", None)
    full = f"{module.__name__}.{name}"
    return path is not None and importlib.machinery.PathFinder.find_spec(full, path) is not None


def _missing(module: ModuleType, name: str) -> Any:
    """What a full module answers for a name it lacks: its own `__getattr__` (langsmith's
    packages have one), else AttributeError."""
    own = module.__dict__.get("__getattr__")
    if own is None:
        raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
    return own(name)


class _BuiltOnFirstUse(Loader):
    """Runs a module with pydantic's default `defer_build` on, so the models it defines
    without saying otherwise build their validator when first used rather than as the module
    loads. The module keeps the real loader (sources in tracebacks, resources)."""

    def __init__(self, real: Loader) -> None:
        self.real = real

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.real
        if module.__spec__ is not None:
            module.__spec__.loader = self.real
        from pydantic._internal._config import config_defaults

        before = config_defaults.get("defer_build", False)
        config_defaults["defer_build"] = True
        try:
            self.real.exec_module(module)
        finally:
            config_defaults["defer_build"] = before


class _Finder:
    """Finds the deferred packages, and the modules whose models are built on first use, as
    the path finder does, with a loader that defers."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        deferred = fullname in DEFERRED
        on_first_use = fullname.partition(".")[0] in BUILT_ON_FIRST_USE
        if not (deferred or on_first_use):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec  # not on the path, or not a source module: imported as ever
        if on_first_use:
            spec.loader = _BuiltOnFirstUse(spec.loader)
        if deferred and spec.submodule_search_locations is not None:
            spec.loader = _DeferredInit(spec.loader)
        return spec


_FINDER = _Finder()


def defer_package_inits() -> None:
    """Puts the finder first on the import path, once; a package already imported stays as it
    is."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


@contextmanager
def imports_at_start() -> Iterator[None]:
    """Run the block's imports with the collector paused, their regular expressions from the
    kept code (agent/interfaces/cli/regex_cache.py); freeze what they built."""
    from agent.interfaces.cli.regex_cache import kept_while

    defer_package_inits()
    enabled = gc.isenabled()
    loaded = len(sys.modules)
    gc.disable()
    try:
        with kept_while():
            yield
    finally:
        if len(sys.modules) != loaded:
            gc.freeze()
        if enabled:
            gc.enable()
