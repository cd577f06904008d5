"""Which process a deal is judged against: its own (sent by sales operations), else the
default stage model from the knowledge base."""

from __future__ import annotations

from agent.capabilities.process_adherence.build import ProcessInUse
from agent.contracts.context import DealContext
from agent.contracts.upstream import ProcessStandards
from agent.errors import InvalidInput
from agent.settings import CoachContext
from knowledge.corpus import corpus


def process_for(ctx: DealContext, settings: CoachContext) -> ProcessInUse:
    """The deal's own process, else the default stage model from knowledge."""
    if ctx.process is not None:
        return ProcessInUse(ctx.process, "deal")
    doc = corpus(settings.knowledge_dirs).docs.get(settings.default_process)
    if doc is None:
        raise InvalidInput(
            f"no default process '{settings.default_process}' in knowledge",
            fix="Add process standards to the deal or the knowledge base",
        )
    standard = ProcessStandards.model_validate(doc.meta["standard"])
    if standard.index(ctx.deal.stage) is None:
        raise InvalidInput(
            f"stage '{ctx.deal.stage}' is not in the default process '{standard.name}'",
            where="deal.stage",
            fix="Send the deal's process standards, or use one of: "
            + ", ".join(s.name for s in standard.stages),
        )
    return ProcessInUse(standard, "knowledge_default", doc.id)
