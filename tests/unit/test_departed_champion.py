"""A champion whose last day has passed: every capability that reads the buying group runs,
and none of them sends the rep to that person (the scenario's deal, read inline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.contracts.request import CoachingRequest
from agent.service import coach

SCENARIO = (
    Path(__file__).parents[2]
    / "evals/scenarios/next_best_action/jdg-nba-champion-already-left.yaml"
)


def _request(capability: str, **extra: Any) -> CoachingRequest:
    body = yaml.safe_load(SCENARIO.read_text())["request"]
    return CoachingRequest.model_validate({**body, **extra, "capability": capability})


@pytest.mark.parametrize(
    ("capability", "extra"),
    [
        ("objection_guide", {"message": "your price is too high"}),
        ("meeting_agenda", {"meeting": {"duration_minutes": 30}}),
        ("pre_call_brief", {"meeting": {"attendees": ["c-marta-rocha"], "duration_minutes": 30}}),
        ("stakeholder_strategy", {}),
    ],
)
def test_a_champion_who_has_left_is_not_who_the_advice_goes_through(
    capability: str, extra: dict[str, Any]
) -> None:
    response = coach(_request(capability, **extra))
    assert response.result.kind  # built, not failed on an empty champion seat
    assert "Ask Rafael" not in response.markdown
    assert "Confirm with Rafael" not in response.markdown
