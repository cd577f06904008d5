"""Live assist: during a call, cue cards from pre-indexed knowledge within the live budget.

It answers a stream of utterances, not a request, so it has no graph node and no response:
the engine (engine.py) is driven by `coach live` and, in a server, by a meeting session. The
eval harness replays transcripts through the same engine and grades the cards."""

from __future__ import annotations

from agent.capabilities.live_assist.expectations import LiveAssistExpectations
from agent.capabilities.registry import Capability

CAPABILITY = Capability(
    name="live_assist",
    node="assist_live",
    title="Live assist",
    summary="Replay a call transcript and show the live cue cards a rep would get during it.",
    draft=None,
    command=None,  # `coach live` (agent/interfaces/cli/live.py) streams its cards
    expectations=LiveAssistExpectations,
    p95_budget_ms=50,
)
