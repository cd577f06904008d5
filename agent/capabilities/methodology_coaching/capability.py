"""Methodology coaching: the chosen methodology scored against this deal's evidence."""

from __future__ import annotations

from agent.capabilities.methodology_coaching.build import coach_methodology
from agent.capabilities.methodology_coaching.expectations import MethodologyCoachingExpectations
from agent.capabilities.registry import Capability, Draft, Inputs
from agent.retrieval import citable_documents


def draft(inputs: Inputs) -> Draft:
    run = inputs.settings
    result = coach_methodology(
        inputs.ctx,
        inputs.signals,
        citable_documents(run),
        inputs.request.methodology,
        run.default_methodology,
    )
    return Draft(result)


CAPABILITY = Capability(
    name="methodology_coaching",
    node="coach_on_methodology",
    title="Methodology coaching",
    summary="Methodology coaching: the framework scored against this deal's evidence.",
    draft=draft,
    command="methodology",
    uses=("methodology",),
    options_help={
        "methodology": "MEDDICC, BANT, SPIN, Challenger, Sandler, SPICED, Solution Selling, "
        "Command of the Message or Gap Selling (default: MEDDICC)"
    },
    expectations=MethodologyCoachingExpectations,
)
