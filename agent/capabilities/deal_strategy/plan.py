"""The mutual action plan to signature: what is agreed, then the steps still to come, each
owned by the customer's person for it and paced by how long it really takes (timeline.py); a
dated gate (a board's session, a freeze's end) moves signature after it, with the gate and its
paper put in the plan.
"""

from __future__ import annotations

import datetime as dt
import re

from agent.analysis.model import Analysis
from agent.capabilities.deal_strategy.contract import PlanStep
from agent.capabilities.deal_strategy.timeline import (
    PAPER_LEAD_DAYS,
    Gate,
    Step,
    gate_of,
    is_done,
    kind_of,
    schedule,
    step_from,
)
from agent.contracts.context import DealContext
from agent.formatting import shorten

# Exit-criterion evidence -> which customer role owns the milestone.
CHECK_OWNER_ROLE = {
    "procurement_engaged": "procurement",
    "legal_review_started": "legal",
    "value_case_validated": "economic_buyer",
    "budget_confirmed": "economic_buyer",
    "economic_buyer_engaged": "economic_buyer",
    "technical_validation_done": "technical_evaluator",
}


STEP_OWNER_ROLE = {
    "security_review": "technical_evaluator",
    "legal_review": "legal",
    "procurement": "procurement",
    "tender": "procurement",
    "approval": "economic_buyer",
    "signature": "economic_buyer",
}
UNTIMED = " (how long it takes is not recorded: confirm it with the customer)"


def _current_step(steps: list[str], current: str | None) -> int:
    """Index of the step the buying process is at (the ones before it are done), else 0."""
    if not current:
        return 0
    wanted = current.strip().lower()
    return next((i for i, s in enumerate(steps) if s.lower().startswith(wanted)), 0)


def _owner(analysis: Analysis, kind: str, fallback: str) -> str:
    role = STEP_OWNER_ROLE.get(kind)
    person = next((p.name for p in analysis.engagement if p.role == role), None)
    return person or fallback


def mutual_plan(
    ctx: DealContext,
    analysis: Analysis,
    values: dict[str, str],
    target: dt.date,
) -> tuple[list[PlanStep], dt.date | None]:
    """The mutual plan: what is agreed, then the steps still to come paced by how long each
    really takes (timeline.py). Returns the plan and, when the paced steps sign after the
    target date, the date they support."""
    deal = ctx.deal
    steps: list[PlanStep] = []
    if deal.mutual_action_plan:
        for i, m in enumerate(deal.mutual_action_plan.milestones):
            steps.append(
                PlanStep(
                    milestone=m.name,
                    owner=deal.person_name(m.owner),
                    due=m.due,
                    status="done" if m.done else "open",
                    citations=[f"deal.mutual_action_plan.milestones[{i}]"],
                )
            )
    facts = analysis.reading.of("constraint")
    proposed: list[Step] = []
    bp = ctx.discovery.buying_process if ctx.discovery else None
    if bp is not None and bp.known and bp.steps and not steps:
        current = _current_step(bp.steps, bp.current_step)
        for i, text in enumerate(bp.steps):  # the customer's own way of buying
            ref = f"discovery.buying_process.steps[{i}]"
            if is_done(text) or i < current:
                continue  # already behind them: nothing left to schedule
            owner = _owner(analysis, kind_of(text), deal.owner.name)
            proposed.append(step_from(text, owner, [ref], facts, ref=ref))
    elif ctx.process:
        current = ctx.process.index(deal.stage) or 0
        for s_index, stage in enumerate(ctx.process.stages[current:], start=current):
            for c_index, crit in enumerate(stage.exit_criteria):
                found = analysis.evidence.get(crit.check) if crit.check else None
                if found is None or found.met:
                    continue
                role = CHECK_OWNER_ROLE.get(crit.check or "")
                person = next((p.name for p in analysis.engagement if p.role == role), None)
                cites = [f"process.stages[{s_index}].exit_criteria[{c_index}]"]
                proposed.append(
                    step_from(crit.description, person or deal.owner.name, cites, facts)
                )
    signer = next(
        (p.name for p in analysis.engagement if p.role == "economic_buyer"),
        values["economic_buyer"],
    )
    if not any(s.kind == "signature" for s in proposed) and not any(
        "sign" in s.milestone.lower() for s in steps
    ):
        proposed.append(step_from("Contract signed", signer, ["deal.expected_close"], facts))
    dated = schedule(proposed, analysis.as_of)
    signs = max((d.due for d in dated), default=None)
    for d in dated:
        timed = d.step.weeks is not None or d.step.kind == "signature"
        due = max(d.due, target) if d.step.kind == "signature" else d.due  # never pulled forward
        steps.append(
            PlanStep(
                milestone=d.step.name + ("" if timed else UNTIMED),
                owner=d.step.owner,
                due=due,
                status="proposed",
                citations=list(d.step.citations),
            )
        )
    gate = gate_of(facts, analysis.as_of)
    if gate is not None and _gated(steps, gate, analysis, values, signer):
        signs = max(signs or gate.signs_from, gate.signs_from)
    return steps, signs if signs is not None and signs > target else None


QUOTES = "\"'“”‘’ "
_SIGN = re.compile(r"\bsign(?:ature|ed|ing|s)?\b|\bcountersign", re.I)


def _gated(
    steps: list[PlanStep],
    gate: Gate,
    analysis: Analysis,
    values: dict[str, str],
    signer: str,
) -> bool:
    """Signature moved after a dated gate it came before (a board that sits after the planned
    signature, a freeze that ends after it), with the gate and, for a committee, its paper put
    in the plan before it. An agreed date that cannot hold is kept in the milestone's words,
    so the rep resets it with the customer rather than finding it silently changed. False
    when the plan already signs after the gate."""
    at = next((i for i in reversed(range(len(steps))) if _SIGN.search(steps[i].milestone)), None)
    if at is None or steps[at].status == "done" or steps[at].due >= gate.signs_from:
        return False
    sign = steps[at]
    before = [
        PlanStep(
            milestone=f'{gate.label}: "{shorten(gate.quote.strip(QUOTES), 140)}"',
            owner=signer,
            due=gate.on,
            status="proposed",
            citations=[gate.ref],
        )
    ]
    if gate.kind == "approval":
        paper = max(analysis.as_of, gate.on - dt.timedelta(days=PAPER_LEAD_DAYS))
        before.insert(
            0,
            PlanStep(
                milestone="Approval paper submitted (about a week before the session: confirm "
                "the deadline with the customer)",
                owner=values["champion"],
                due=paper,
                status="proposed",
                citations=[gate.ref],
            ),
        )
    moved = sign.model_copy(
        update={
            "milestone": f"{sign.milestone} (planned for {sign.due.isoformat()}, before the "
            f"gate on {gate.on.isoformat()}: moved after it)"
            if sign.status == "open"
            else sign.milestone,
            "due": gate.signs_from,
            "status": "proposed",
            "citations": list(dict.fromkeys([*sign.citations, gate.ref])),
        }
    )
    steps[at : at + 1] = [*before, moved]
    return True
