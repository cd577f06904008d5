"""Deal facts: the deal's stage, value and close date, each cited to the record."""

from __future__ import annotations

from agent.capabilities.registry import Capability, Draft, Inputs

from .contract import DealFactsResult, Fact
from .expectations import DealFactsExpectations


def draft(inputs: Inputs) -> Draft:
    deal = inputs.ctx.deal
    amount = f"{deal.currency} {deal.amount:,.0f}"
    facts = [
        Fact(label="stage", value=deal.stage, citations=["deal.stage"]),
        Fact(label="amount", value=amount, citations=["deal.amount"]),
        Fact(
            label="close",
            value=deal.expected_close.isoformat(),
            citations=["deal.expected_close"],
        ),
    ]
    return Draft(DealFactsResult(facts=facts, citations=["deal.name"]))


CAPABILITY = Capability(
    name="deal_facts",
    node="list_deal_facts",
    title="Deal facts",
    summary="The deal's key facts, each cited to the CRM record.",
    draft=draft,
    command="facts",
    expectations=DealFactsExpectations,
)
