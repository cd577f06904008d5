"""What is lost when an upstream section is absent: said to the user, never filled in."""

from __future__ import annotations

from agent.contracts.context import SECTION_PURPOSE, DealContext
from agent.contracts.response import MissingInput

IMPACT: dict[str, str] = {
    "risk": "risk is judged from CRM activity alone; the risk agent's factors are not weighed",
    "qualification": "competitive position and framework scores are unknown",
    "discovery": "pains, decision criteria, buying process and budget count as unconfirmed, "
    "so plays that fill those gaps may rank higher than they would with discovery data",
    "argumentation": "stakeholder messages are generic, not tailored by the argumentation agent",
    "competitive": "no battle cards from it for this deal: competitor advice uses the knowledge "
    "base's cards alone, and a competitor without one is said to have none",
    "analytics": "action probabilities use authored priors, not your pipeline's history",
    "value": "the value case counts as not shared; no ROI figures can be quoted",
    "process": "stage exit criteria and expected durations are unknown; the stage's phase is "
    "inferred from its name and stage checks are skipped",
}


def missing_inputs(ctx: DealContext) -> list[MissingInput]:
    result = []
    for section in ctx.absent_sections():
        provider, adds = SECTION_PURPOSE[section]
        result.append(
            MissingInput(
                section=section,
                provider=provider,
                would_add=adds,
                impact=IMPACT[section],
                reason=ctx.unavailable.get(section),
            )
        )
    return result


def limitations_for(ctx: DealContext) -> list[str]:
    return [
        f"No {SECTION_PURPOSE[s][0]} data"
        + (f" (its agent's call failed: {ctx.unavailable[s]})" if s in ctx.unavailable else "")
        + f": {IMPACT[s]}."
        for s in ctx.absent_sections()
    ]
