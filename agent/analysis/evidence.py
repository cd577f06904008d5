"""Evidence checks that exit criteria name, three-valued: met, not met, or unknown.

What the CRM record itself shows (activities, contacts, the mutual plan) is met or not met: the
record is the proof a process asks for, and the agent never assumes it. What only an upstream
agent can show (discovery's pains and criteria, the value case) is *unknown* when that agent's
section is missing: absence of a file is not evidence of absence, so it never counts as a miss;
the advice asks for it instead.

The checks live by what they read: evidence_upstream (discovery, qualification, the value
case), evidence_people (the buying group) and evidence_record (the activity log, the mutual
plan); each registers itself in evidence_registry."""

from __future__ import annotations

import datetime as dt
from typing import get_args

from agent.analysis import (  # noqa: F401 - they register their checks
    evidence_people,
    evidence_record,
    evidence_upstream,
)
from agent.analysis.evidence_registry import CHECKS, Seen
from agent.analysis.model import Evidence, StakeholderEngagement
from agent.contracts.context import DealContext
from agent.contracts.upstream import EvidenceCheck

# Checks whose "not met" rests on the activity log alone: when the record's history is
# incomplete, their absence before it starts is not known (analysis/step_evidence.py).
FROM_ACTIVITY_LOG = frozenset(
    {
        "demo_completed",
        "technical_validation_done",
        "proposal_sent",
        "economic_buyer_engaged",
        "procurement_engaged",
        "legal_review_started",
        "multi_threaded",
    }
)


def evaluate_all(
    ctx: DealContext,
    people: list[StakeholderEngagement],
    as_of: dt.date,
    seen: Seen | None = None,
) -> dict[str, Evidence]:
    seen = seen or Seen()
    return {
        name: CHECKS[name](ctx, people, as_of, seen).model_copy(update={"check": name})
        for name in get_args(EvidenceCheck)
    }
