"""Every table of talk patterns, compiled together: a live session compiles them while it
prepares, so that no utterance of the call waits for one (its cards have a latency budget).

Each table module registers its patterns as it is imported (patterns.on_first_use); importing
them all here is what makes "every" true, whichever of them the caller had imported.
"""

from __future__ import annotations

from types import ModuleType

from agent.reading import objection_phrases, talk_cues, vendor_mentions
from agent.reading.patterns import compile_deferred

TABLES: tuple[ModuleType, ...] = (objection_phrases, talk_cues, vendor_mentions)


def compile_talk_patterns() -> None:
    """Compile every talk pattern now (see the module docstring)."""
    compile_deferred()
