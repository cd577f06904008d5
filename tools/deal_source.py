"""What every deal source hands the agent (DealSource: a deal, its upstream sections, its
context; DealSummary: one line of a listing), and the simplest source: a deal context passed
inline in a request (an orchestrator's typed payload).

The workspace folder (sources.py) and the upstream-agent adapter (tools/upstream/) implement
the same protocol, so nodes and chat tools take any of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel

from agent.contracts.context import SECTION_PURPOSE, DealContext
from agent.contracts.deal import Deal
from agent.errors import DealNotFound, InvalidInput
from tools.deal_ids import check_deal_id

# Deals whose context (and what is computed from it) a process keeps in memory, the most
# recently used: enough for a rep's deals (process adherence loads each of them per request)
# and a server's working set, while a process that reads every deal (a server over months, a
# batch over thousands, which loads each once) keeps at most this many (about 0.1 to 0.2 MB
# each), its memory not growing with the workspace. Every source that keeps contexts, or
# values per deal, keeps at most this many deals (tools/sources.py, tools/upstream/).
KEPT_DEALS = 1024


@dataclass(frozen=True)
class DealSummary:
    id: str
    name: str
    account: str
    stage: str
    amount: float
    currency: str
    expected_close: dt.date
    owner: str


class DealSource(Protocol):
    """Anything that can hand the agent a deal and its upstream sections."""

    @property
    def as_of(self) -> dt.date | None: ...

    def list_deals(self) -> list[DealSummary]: ...

    def get_deal(self, deal_id: str) -> Deal: ...

    def get_section(self, deal_id: str, section: str) -> BaseModel | None: ...

    def load_context(self, deal_id: str) -> DealContext: ...


class InlineSource:
    """A deal context passed in the request itself (an orchestrator's typed payload)."""

    def __init__(self, context: DealContext, as_of: dt.date | None = None) -> None:
        check_deal_id(context.deal.id, "request.deal.deal.id")
        self.context = context
        self._as_of = as_of

    @property
    def as_of(self) -> dt.date | None:
        return self._as_of

    def list_deals(self) -> list[DealSummary]:
        d = self.context.deal
        return [
            DealSummary(
                d.id,
                d.name,
                d.account.name,
                d.stage,
                d.amount,
                d.currency,
                d.expected_close,
                d.owner.name,
            )
        ]

    def load_context(self, deal_id: str) -> DealContext:
        check_deal_id(deal_id)
        if deal_id != self.context.deal.id:
            raise DealNotFound(deal_id, "the inline payload", [self.context.deal.id])
        return self.context

    def get_deal(self, deal_id: str) -> Deal:
        return self.load_context(deal_id).deal

    def get_section(self, deal_id: str, section: str) -> BaseModel | None:
        if section not in SECTION_PURPOSE:
            raise InvalidInput(
                f"unknown section '{section}'", fix=f"Sections: {', '.join(SECTION_PURPOSE)}"
            )
        value = getattr(self.load_context(deal_id), section)
        return value if isinstance(value, BaseModel) else None
