"""examples/orchestrator_http.py: a LangGraph parent graph calling the service over HTTP."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from tests.http.conftest import Service

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orchestrator_http.py"


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("orchestrator_http", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_orchestrator_calls_the_coach_as_a_sub_agent(service: Service) -> None:
    review = _example().build(service.url, "key-acme").invoke({"deal_id": "D-1003"})
    assert review["line"].startswith("D-1003: win probability ")
    assert 0 <= review["win_probability"] <= 1
    at_risk = review["win_probability"] < 0.5
    assert len(review["request_ids"]) == (2 if at_risk else 1)
    assert (review.get("next_action") is not None) == at_risk


def test_the_orchestrator_reports_the_coachs_message(service: Service) -> None:
    import pytest

    with pytest.raises(RuntimeError, match="no deal 'D-1008'"):  # another tenant's deal
        _example().build(service.url, "key-acme").invoke({"deal_id": "D-1008"})
