"""The agent's coaching history: what it recommended to a rep, kept in LangGraph's store so
performance coaching can later compare the advice with what happened on the deal.

Only advice with one concrete action is recorded (the next best action's primary play): that
is what a rep can follow or not, and what a later deal record can show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, get_args

from langgraph.store.base import BaseStore, PutOp

from agent.capabilities.common.remedies import CHECK_PLAYS, CHECK_SKILLS
from agent.contracts.context import DealContext
from agent.contracts.deal import ActivityType
from agent.contracts.principal import LOCAL_TENANT
from agent.contracts.rep import CoachingRecord
from agent.memory import coaching_namespace

# Days the advice has before it counts as due: the play's timing, made a date.
TIMING_DAYS = {"immediate": 2, "this_week": 7, "next_week": 14}
# What a rep does with a customer: a note or a task in the CRM is not acting on advice.
CUSTOMER_ACTIVITY = [t for t in get_args(ActivityType) if t not in ("task", "note", "other")]
# The skill each play exercises: the process checks' link (remedies) plus plays no check names.
PLAY_SKILLS: dict[str, str] = {
    **{play: CHECK_SKILLS[check] for check, play in CHECK_PLAYS.items()},
    "play-engage-economic-buyer": "skill-executive-presence",
    "play-identify-economic-buyer": "skill-executive-presence",
    "play-multi-thread": "skill-multi-threading",
    "play-reengage-champion": "skill-multi-threading",
    "play-revive-stalled-deal": "skill-follow-up-discipline",
    "play-secure-next-step": "skill-follow-up-discipline",
    "play-reset-close-plan": "skill-pipeline-hygiene-forecast",
    "play-requalify-stage": "skill-pipeline-hygiene-forecast",
    "play-competitive-differentiation": "skill-competitive-positioning",
    "play-address-detractor": "skill-objection-handling",
    "play-ask-for-the-business": "skill-closing-mutual-action-plans",
    "play-advance-stage": "skill-closing-mutual-action-plans",
}
HISTORY_LIMIT = 1000


def record_for(ctx: DealContext, result: Any, as_of: dt.date) -> CoachingRecord | None:
    """The advice in a capability's result as one record, or None when it holds no action."""
    base: dict[str, Any] = {
        "rep_id": ctx.deal.owner.id,
        "deal_id": ctx.deal.id,
        "capability": result.kind,
        "as_of": as_of,
        "stage": ctx.deal.stage,
    }
    if result.kind == "next_best_action":
        p = result.primary
        return CoachingRecord(
            **base,
            action_id=p.play_id,
            title=p.title,
            activity_types=CUSTOMER_ACTIVITY,
            # The play's first target is who it is about (the economic buyer, say); the others
            # help reach them, so meeting only a helper does not count as following it.
            participants=[t.contact_id for t in p.targets if t.contact_id][:1],
            success_criteria=p.success_criteria,
            due=as_of + dt.timedelta(days=TIMING_DAYS[p.timing]),
            skills=[PLAY_SKILLS[p.play_id]] if p.play_id in PLAY_SKILLS else [],
        )
    return None


def remember(store: BaseStore, record: CoachingRecord, tenant: str = LOCAL_TENANT) -> None:
    """One item per deal, capability and date: asking twice on a day replaces, not repeats.
    Within `held()`, written when the block ends."""
    key = f"{record.deal_id}:{record.capability}:{record.as_of.isoformat()}"
    namespace = coaching_namespace(record.rep_id, tenant)
    put = PutOp(namespace, key, record.model_dump(mode="json"))
    pending = _HELD.get()
    if pending is None:
        store.batch([put])
    else:
        pending.append((store, put))


# Records remembered within `held()`, with the store each goes to.
_HELD: ContextVar[list[tuple[BaseStore, PutOp]] | None] = ContextVar("held", default=None)


@contextmanager
def held() -> Iterator[None]:
    """Records remembered in the block written together when it ends, one transaction per
    store. Why: a batch run answers thousands of deals, and a write of its own for each deal's
    record (a transaction on the memory, which the batch's workers share) was about a twentieth
    of a warm answer. Its caller answers the block's deals only once the write has succeeded
    (agent/interfaces/cli/batch.py). A history read within the block (`recall`) writes first,
    so it sees them. A block inside another is part of it."""
    if _HELD.get() is not None:
        yield
        return
    pending: list[tuple[BaseStore, PutOp]] = []
    token = _HELD.set(pending)
    try:
        yield
    finally:
        _HELD.reset(token)
    _write(pending)


def _write(pending: list[tuple[BaseStore, PutOp]]) -> None:
    stores = {id(store): store for store, _ in pending}
    for ident, store in stores.items():
        store.batch([put for where, put in pending if id(where) == ident])
    pending.clear()


def recall(
    store: BaseStore, rep_id: str, as_of: dt.date, tenant: str = LOCAL_TENANT
) -> list[CoachingRecord]:
    """The rep's recorded advice up to `as_of`, oldest first (later advice is not history yet)."""
    pending = _HELD.get()
    if pending:
        _write(pending)
    items = store.search(coaching_namespace(rep_id, tenant), limit=HISTORY_LIMIT)
    records = [CoachingRecord.model_validate(item.value) for item in items]
    kept = [r for r in records if r.as_of <= as_of]
    return sorted(kept, key=lambda r: (r.as_of, r.deal_id, r.capability))
