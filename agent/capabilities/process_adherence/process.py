"""Which process a deal is judged against: its own (sent by sales operations), else the
default stage model from the knowledge base."""

from __future__ import annotations

from agent.analysis.stage import default_process
from agent.capabilities.process_adherence.build import ProcessInUse
from agent.contracts.context import DealContext
from agent.errors import InvalidInput
from agent.settings import CoachContext


def process_for(ctx: DealContext, settings: CoachContext) -> ProcessInUse:
    """The deal's own process, else the default stage model, found where the analysis finds
    it (`default_process`: the index's record, one object per index version), so a rep's
    hundreds of deals are not each checked against a stage model validated anew."""
    if ctx.process is not None:
        return ProcessInUse(ctx.process, "deal")
    default = default_process(settings)
    if default is None:
        raise InvalidInput(
            f"no default process '{settings.default_process}' in knowledge",
            fix="Add process standards to the deal or the knowledge base",
        )
    standard = default.standard
    if standard.index(ctx.deal.stage) is None:
        raise InvalidInput(
            f"stage '{ctx.deal.stage}' is not in the default process '{standard.name}'",
            where="deal.stage",
            fix="Give the deal its own sales process (org/process.yaml in a workspace: your "
            "stages and their exit criteria; `process` in a request), or use one of these "
            "stages (an import mapping's stage `values` can map a CRM's onto them): "
            + ", ".join(s.name for s in standard.stages),
        )
    return ProcessInUse(standard, "knowledge_default", default.doc_id)
