"""analyze: compute the deal's signals once; every capability reads them."""

from __future__ import annotations

from typing import Any

from agent.analysis import analyze_deal
from agent.state import CoachState


def analyze(state: CoachState) -> dict[str, Any]:
    return {"analysis": analyze_deal(state["deal"], state["as_of"], state.get("reading"))}
