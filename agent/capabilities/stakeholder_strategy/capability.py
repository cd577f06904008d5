"""Stakeholder strategy: the buying group, engagement per person and a plan for each."""

from __future__ import annotations

from agent.capabilities.registry import Capability, Draft, Inputs
from agent.capabilities.stakeholder_strategy.build import plan_stakeholders
from agent.capabilities.stakeholder_strategy.expectations import StakeholderStrategyExpectations
from knowledge.plays import load_plays


def draft(inputs: Inputs) -> Draft:
    plays = load_plays(inputs.settings.plays_dir)
    return Draft(plan_stakeholders(inputs.ctx, inputs.signals, plays))


CAPABILITY = Capability(
    name="stakeholder_strategy",
    node="plan_stakeholder_strategy",
    title="Stakeholder strategy",
    summary="Stakeholder engagement strategy: coverage, gaps and a plan per person.",
    draft=draft,
    command="stakeholders",
    expectations=StakeholderStrategyExpectations,
    median_target_ms=30,
)
