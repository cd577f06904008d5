"""assess_performance: analyse each of the rep's deals and check them against their process,
then find the patterns, strengths, focus areas and progress across them."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.analysis import analyze_deal
from agent.capabilities.common.remedies import skill_for
from agent.capabilities.performance_coaching.build import coach_performance
from agent.capabilities.performance_coaching.patterns import RepFacts
from agent.capabilities.process_adherence.build import check_steps
from agent.contracts.response import MissingInput
from agent.errors import InvalidInput
from agent.nodes.check_process_adherence import process_for
from agent.retrieval import citable_documents
from agent.settings import CoachContext, settings
from agent.state import RepState
from knowledge.plays import load_plays


def _limitations(missing: list[MissingInput]) -> list[str]:
    return [f"No {m.provider} data ({m.section}): {m.impact}." for m in missing]


def assess_performance(state: RepState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx_settings = settings(runtime.context)
    plays = load_plays(ctx_settings.plays_dir)
    rep, as_of = state["rep"], state["as_of"]
    analyses = {c.deal.id: analyze_deal(c, as_of) for c in rep.deals}
    steps, step_skills = [], {}
    for ctx in rep.deals:
        try:
            process = process_for(ctx, ctx_settings)
        except InvalidInput:
            continue  # a deal of another process model says nothing about this one
        steps.append((ctx.deal.id, check_steps(ctx, analyses[ctx.deal.id], process, plays)))
        for stage in process.standard.stages:
            step_skills.update({c.id: skill_for(c.check) for c in stage.exit_criteria if c.check})
    facts = RepFacts(rep, analyses, steps, step_skills, citable_documents(ctx_settings))
    result = coach_performance(facts, as_of, _limitations(state["missing_inputs"]))
    return {"analyses": analyses, "steps": steps, "step_skills": step_skills, "result": result}
