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
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def imports_at_start() -> Iterator[None]:
    """Run the block's imports with the collector paused; freeze what they built."""
    enabled = gc.isenabled()
    loaded = len(sys.modules)
    gc.disable()
    try:
        yield
    finally:
        if len(sys.modules) != loaded:
            gc.freeze()
        if enabled:
            gc.enable()
