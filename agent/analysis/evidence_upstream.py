"""Evidence only an upstream agent can show: discovery's pains, decision criteria, buying
process and budget, the qualification agent's word on them, and the value case.

Each is *unknown* when the agent that would show it reported nothing: absence of a file is not
evidence of absence, so it never counts as a miss; the advice asks for it instead.
"""

from __future__ import annotations

import datetime as dt

from agent.analysis.evidence_registry import Seen, evidence_check, unknown
from agent.analysis.model import Evidence, StakeholderEngagement
from agent.contracts.context import DealContext


def _qualified(ctx: DealContext, element: str) -> tuple[bool | None, list[str]]:
    """What the qualification agent says of a framework element: confirmed (True), assessed
    and not confirmed (False), or not assessed at all (None: the agent is silent on it)."""
    if ctx.qualification is None:
        return None, []
    for i, el in enumerate(ctx.qualification.elements):
        if el.name.lower() == element.lower():
            return el.status == "confirmed", [f"qualification.elements[{i}]"]
    return None, []


def _from_qualification(
    ctx: DealContext, element: str, yes: str, no: str, fallback: list[str] | None = None
) -> Evidence:
    """Evidence discovery did not give: the qualification agent's word, else unknown when
    neither agent reported on it (absent data is not a gap), else not met."""
    ok, cites = _qualified(ctx, element)
    if ok is None and ctx.discovery is None:
        return unknown(
            "not known: no discovery data, and qualification does not assess it", "discovery"
        )
    return Evidence(
        check="", met=bool(ok), detail=yes if ok else no, citations=cites or fallback or []
    )


@evidence_check("pain_confirmed")
def _pain(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.discovery:
        for i, pain in enumerate(ctx.discovery.pains):
            if pain.confirmed:
                return Evidence(
                    check="", met=True, detail=pain.description, citations=[f"discovery.pains[{i}]"]
                )
    return _from_qualification(
        ctx, "Identify Pain", "pain confirmed in qualification", "no pain confirmed by the customer"
    )


@evidence_check("decision_criteria_known")
def _criteria(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.discovery and ctx.discovery.decision_criteria:
        names = ", ".join(c.name for c in ctx.discovery.decision_criteria[:4])
        return Evidence(
            check="",
            met=True,
            detail=f"criteria: {names}",
            citations=["discovery.decision_criteria"],
        )
    return _from_qualification(
        ctx, "Decision Criteria", "criteria confirmed in qualification", "no decision criteria"
    )


@evidence_check("decision_process_known")
def _process(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    bp = ctx.discovery.buying_process if ctx.discovery else None
    if bp and bp.known:
        return Evidence(
            check="",
            met=True,
            detail="buying process confirmed by the customer",
            citations=["discovery.buying_process"],
        )
    return _from_qualification(
        ctx,
        "Decision Process",
        "process confirmed in qualification",
        "decision process not confirmed",
        ["discovery.buying_process"] if bp else None,
    )


@evidence_check("budget_confirmed")
def _budget(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.discovery and ctx.discovery.budget_confirmed:
        return Evidence(
            check="",
            met=True,
            detail=ctx.discovery.budget_notes or "budget confirmed",
            citations=["discovery.budget_confirmed"],
        )
    if ctx.discovery is None:
        return unknown("not known: no discovery data", "discovery")
    return Evidence(
        check="", met=False, detail="budget not confirmed", citations=["discovery.budget_confirmed"]
    )


@evidence_check("value_case_shared")
def _value_shared(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.value and ctx.value.status in ("shared", "validated"):
        return Evidence(
            check="", met=True, detail=f"value case {ctx.value.status}", citations=["value.status"]
        )
    if ctx.value is None:
        return unknown("not known: no value case data", "value")
    return Evidence(check="", met=False, detail="no value case shared", citations=["value.status"])


@evidence_check("value_case_validated")
def _value_ok(
    ctx: DealContext, people: list[StakeholderEngagement], as_of: dt.date, seen: Seen
) -> Evidence:
    if ctx.value and ctx.value.status == "validated":
        return Evidence(
            check="",
            met=True,
            detail="value case validated by the customer",
            citations=["value.status"],
        )
    if ctx.value is None:
        return unknown("not known: no value case data", "value")
    return Evidence(
        check="", met=False, detail="value case not validated", citations=["value.status"]
    )
