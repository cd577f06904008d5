"""Small synthetic deals for unit tests, independent of the sample workspace's content."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from agent.analysis.model import Analysis
from agent.contracts.context import DealContext

AS_OF = dt.date(2026, 11, 20)


def days_ago(n: int) -> str:
    return (AS_OF - dt.timedelta(days=n)).isoformat()


def process() -> dict[str, Any]:
    return {
        "name": "Test Process",
        "stages": [
            {
                "name": "Discovery",
                "phase": "discover",
                "expected_days": 20,
                "exit_criteria": [
                    {
                        "id": "d1",
                        "description": "Economic buyer known",
                        "check": "economic_buyer_identified",
                    },
                    {
                        "id": "d2",
                        "description": "Criteria known",
                        "check": "decision_criteria_known",
                    },
                ],
            },
            {
                "name": "Proposal",
                "phase": "proposal",
                "expected_days": 10,
                "exit_criteria": [
                    {"id": "p1", "description": "Proposal sent", "check": "proposal_sent"},
                    {
                        "id": "p2",
                        "description": "Plan agreed",
                        "check": "mutual_action_plan_agreed",
                    },
                    {"id": "p3", "description": "Signed off by legal"},
                ],
            },
            {"name": "Negotiation", "phase": "negotiate", "expected_days": 10},
        ],
    }


def contact(cid: str, name: str, role: str = "unknown", **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": name, "title": "Director", "dmu_role": role, **extra}


def activity(
    aid: str, ago: int, who: list[str], kind: str = "meeting", **extra: Any
) -> dict[str, Any]:
    return {
        "id": aid,
        "type": kind,
        "date": days_ago(ago),
        "participants": who,
        "summary": f"{kind} {aid}",
        **extra,
    }


def make_context(*, deal: dict[str, Any] | None = None, **sections: Any) -> DealContext:
    """A healthy Discovery-stage deal; override any deal field or add upstream sections."""
    base: dict[str, Any] = {
        "id": "T-1",
        "name": "Test deal",
        "account": {"name": "Testco Industries", "industry": "Manufacturing"},
        "owner": {"id": "rep-1", "name": "Rita Seller"},
        "amount": 100000,
        "currency": "USD",
        "stage": "Discovery",
        "stage_history": [{"stage": "Discovery", "entered": days_ago(10)}],
        "created": days_ago(30),
        "expected_close": days_ago(-60),
        "next_step": "Workshop",
        "next_step_date": days_ago(-5),
        "contacts": [
            contact("c-ann", "Ann Champion", "champion", sentiment="positive"),
            contact("c-eve", "Eve Buyer", "economic_buyer"),
        ],
        "activities": [activity("a1", 5, ["c-ann", "rep-1"]), activity("a2", 3, ["c-eve"])],
    }
    base.update(deal or {})
    payload: dict[str, Any] = {"deal": base, "process": process()}
    payload.update(sections)
    return DealContext.model_validate({k: v for k, v in payload.items() if v is not None})


@cache
def sample_deal(deal_id: str) -> tuple[DealContext, Analysis]:
    """A sample-workspace deal and its analysis at AS_OF, loaded once per test session."""
    from agent.analysis import analyze_deal
    from agent.settings import SAMPLE_WORKSPACE
    from tools.sources import WorkspaceSource

    ctx = WorkspaceSource(SAMPLE_WORKSPACE).load_context(deal_id)
    return ctx, analyze_deal(ctx, AS_OF)


def inline_deal(
    root: Path, deal_id: str, new_id: str | None = None, owner: str | None = None
) -> dict[str, Any]:
    """A workspace deal's context as an inline request's `deal`, renamed and re-owned at will
    (the old owner stays on the team, so its activities still resolve)."""
    from tools.sources import WorkspaceSource

    data: dict[str, Any] = WorkspaceSource(root).load_context(deal_id).model_dump(mode="json")
    if new_id is not None:
        data["deal"]["id"] = new_id
    if owner is not None:
        data["deal"]["team"].append(dict(data["deal"]["owner"]))
        data["deal"]["owner"] = {**data["deal"]["owner"], "id": owner}
    return data
