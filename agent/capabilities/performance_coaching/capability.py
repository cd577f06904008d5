"""Performance coaching: a rep across every deal they own, with patterns, focus skills, a plan,
and how the agent's earlier advice fared."""

from __future__ import annotations

from agent.analysis.kept import analysis_of
from agent.capabilities.common.remedies import skill_for
from agent.capabilities.performance_coaching.build import coach_performance
from agent.capabilities.performance_coaching.expectations import PerformanceCoachingExpectations
from agent.capabilities.performance_coaching.patterns import RepFacts
from agent.capabilities.process_adherence.build import check_steps
from agent.capabilities.process_adherence.process import process_for
from agent.capabilities.registry import Capability, Draft, Inputs
from agent.errors import InvalidInput
from agent.retrieval import citable_documents
from knowledge.plays import load_plays


def draft(inputs: Inputs) -> Draft:
    """Each of the rep's deals analysed and checked against its process, then the patterns,
    strengths, focus areas and progress across them."""
    run, rep, as_of = inputs.settings, inputs.rep, inputs.as_of
    assert rep is not None, "performance coaching ran without the rep's material"
    plays = load_plays(run.plays_dir)
    analyses = {c.deal.id: analysis_of(c, as_of) for c in rep.deals}  # kept per deal version
    steps, step_skills = [], {}
    for ctx in rep.deals:
        try:
            process = process_for(ctx, run)
        except InvalidInput:
            continue  # a deal of another process model says nothing about this one
        steps.append((ctx.deal.id, check_steps(ctx, analyses[ctx.deal.id], process, plays)))
        for stage in process.standard.stages:
            step_skills.update({c.id: skill_for(c.check) for c in stage.exit_criteria if c.check})
    facts = RepFacts(rep, analyses, steps, step_skills, citable_documents(run))
    limitations = [f"No {m.provider} data ({m.section}): {m.impact}." for m in inputs.missing]
    result = coach_performance(facts, as_of, limitations)
    return Draft(result, (*analyses.values(), steps))


CAPABILITY = Capability(
    name="performance_coaching",
    node="coach_performance",
    title="Performance coaching",
    summary="Performance coaching for a rep across their deals: focus, plan, progress.",
    draft=draft,
    command="performance",
    expectations=PerformanceCoachingExpectations,
    events=lambda result: [result.effectiveness],
    p95_budget_ms=600,
    median_target_ms=100,
)
