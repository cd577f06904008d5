"""Requests without a capability: the router reads the message (a model's structured decision
when one is configured, else the offline classifier) and fills the chosen capability's inputs."""

from __future__ import annotations

import httpx
import openai
import pytest

from agent.contracts import CoachingRequest
from agent.routing.router import RouteDecision
from agent.service import coach
from agent.settings import CoachContext
from tests.evals.fakes import ScriptedModel

OFFLINE = CoachContext(memory=None, outbox=None)


@pytest.mark.parametrize(
    ("message", "capability"),
    [
        ("who should I engage in the buying group?", "stakeholder_strategy"),
        ("what are our chances of winning?", "deal_strategy"),
        ("prepare me for my call tomorrow", "pre_call_brief"),
        ("did I skip any steps of our process?", "process_adherence"),
        (None, "next_best_action"),
        ("zxqv", "next_best_action"),  # nothing recognised: the default
    ],
)
def test_the_offline_classifier_routes_by_message(message: str | None, capability: str) -> None:
    resp = coach(CoachingRequest(deal_id="D-1003", message=message), OFFLINE)
    assert resp.capability == capability and resp.check.passed


def test_a_routed_capability_reads_its_inputs_from_the_message() -> None:
    said = 'they said "your price is too high", how do I answer?'
    guide = coach(CoachingRequest(deal_id="D-1003", message=said), OFFLINE).result
    assert guide.kind == "objection_guide" and guide.typed_objection == "your price is too high"
    scored = coach(CoachingRequest(deal_id="D-1005", message="score it against BANT"), OFFLINE)
    assert scored.result.kind == "methodology_coaching" and scored.result.methodology == "BANT"


def routed(model: ScriptedModel, message: str) -> tuple[str, list[str]]:
    resp = coach(
        CoachingRequest(deal_id="D-1003", message=message),
        CoachContext(memory=None, outbox=None, chat_model=model),
    )
    assert model.options[0]["schema"] is RouteDecision
    warnings = [w.message for w in resp.warnings if w.code == "model_fallback"]
    return resp.capability, [w for w in warnings if w.startswith("routing")]


def test_a_model_decides_when_configured() -> None:
    model = ScriptedModel().script(RouteDecision(capability="deal_strategy", reason="odds"))
    assert routed(model, "where do we stand?") == ("deal_strategy", [])
    assert "where do we stand?" in model.prompts[0] and "<<<DATA message>>>" in model.prompts[0]


def test_a_failing_or_wrong_model_leaves_the_choice_to_the_classifier() -> None:
    timeout = openai.APITimeoutError(request=httpx.Request("POST", "http://x/v1"))
    capability, warnings = routed(ScriptedModel().script(timeout), "what are our chances?")
    assert capability == "deal_strategy" and len(warnings) == 1 and "timed out" in warnings[0]
    debrief = RouteDecision(capability="post_call_analysis", reason="a call")
    capability, warnings = routed(ScriptedModel().script(debrief), "what are our chances?")
    assert capability == "deal_strategy" and "cannot run" in warnings[0]


def test_a_capability_the_request_cannot_feed_is_named_not_silently_swapped() -> None:
    resp = coach(CoachingRequest(deal_id="D-1003", message="debrief my last call"), OFFLINE)
    assert resp.capability == "next_best_action"
    (warning,) = [
        w for w in resp.warnings if w.code == "missing_input" and "transcript" in w.message
    ]
    assert "post call analysis" in warning.message
