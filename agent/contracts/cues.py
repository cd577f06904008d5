"""What a cue in a live conversation is about: the kind on a live assist card
(agent/capabilities/live_assist) and on what the reading layer detects in a turn
(agent/reading/detectors.py). A contract, so the reader and the capability share one vocabulary
without the reading layer depending on a capability.
"""

from __future__ import annotations

from typing import Literal

CueKind = Literal[
    "objection",
    "competitor",
    "pricing",
    "technical",
    "stall",
    "new_participant",
    "frustration",
    "decision",
]
