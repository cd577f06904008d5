"""The evidence checks' registry: what a check reads (the deal, its people, the date and
what the reading layer found) and the name an exit criterion calls it by.

Each family of checks lives in its own module (evidence_upstream, evidence_people,
evidence_record) and registers itself here; evidence.evaluate_all runs them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.analysis.model import EconomicBuyer, Evidence, StakeholderEngagement
from agent.contracts.context import DealContext
from agent.contracts.facts import Reading


@dataclass(frozen=True)
class Seen:
    """What the reading layer found that evidence may rest on."""

    reading: Reading = field(default_factory=Reading)
    buyer: EconomicBuyer | None = None


Check = Callable[[DealContext, list[StakeholderEngagement], dt.date, Seen], Evidence]
CHECKS: dict[str, Check] = {}


def evidence_check(name: str) -> Callable[[Check], Check]:
    """Registers a check under the name exit criteria call it by (EvidenceCheck)."""

    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return register


def unknown(detail: str, missing: str, citations: list[str] | None = None) -> Evidence:
    """Evidence nobody reported on (`missing` names the absent input): never a miss."""
    return Evidence(
        check="", met=None, detail=detail, missing=missing, citations=citations or [missing]
    )
