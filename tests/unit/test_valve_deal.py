"""The fresh-eyes valve deal (jdg-nba-plant-manager-signs, read inline): a demo the champion
confirmed for 13 days ahead makes the 18 quiet days before it a wait, not a stall; its twin,
without the booking, is stalling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from agent.analysis import analyze_deal
from agent.contracts.context import DealContext

SCENARIO = (
    Path(__file__).parents[2] / "evals/scenarios/next_best_action/jdg-nba-plant-manager-signs.yaml"
)
AS_OF = dt.date(2026, 11, 20)


def _analysis(booked: bool):  # type: ignore[no-untyped-def]
    body: dict[str, Any] = yaml.safe_load(SCENARIO.read_text())["request"]
    if not booked:
        body["deal"]["deal"]["activities"][2]["summary"] = "Sent the recap and proposed a demo."
    return analyze_deal(DealContext.model_validate(body["deal"]), AS_OF)


def test_a_meeting_booked_soon_is_a_wait_and_without_it_the_deal_stalls() -> None:
    waiting = _analysis(booked=True)
    fired = {s.id for s in waiting.signals}
    assert "meeting_booked" in fired and waiting.momentum == "steady"
    assert not fired & {"no_recent_activity", "champion_gone_quiet"}
    quiet = _analysis(booked=False)
    fired = {s.id for s in quiet.signals}
    assert {"no_recent_activity", "champion_gone_quiet"} <= fired
    assert "meeting_booked" not in fired and quiet.momentum == "stalling"
