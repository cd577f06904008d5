"""The coaching history's held writes (agent/capabilities/common/coaching_history.py): records
remembered in a block are written together when it ends, and a history read in the block sees
them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from langgraph.store.memory import InMemoryStore

from agent.capabilities.common.coaching_history import held, recall, remember
from agent.contracts.rep import CoachingRecord

AS_OF = dt.date(2026, 11, 20)


def _record(deal: str) -> CoachingRecord:
    return CoachingRecord(
        rep_id="rep-1",
        deal_id=deal,
        capability="next_best_action",
        as_of=AS_OF,
        stage="Discovery",
        title="Meet the buyer",
    )


class _Counting(InMemoryStore):
    """Counts the calls that write."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[int] = []

    def batch(self, ops: Any) -> list[Any]:
        ops = list(ops)
        if any(type(op).__name__ == "PutOp" for op in ops):
            self.writes.append(len(ops))
        return super().batch(ops)


def test_records_held_in_a_block_are_written_together_at_its_end() -> None:
    store = _Counting()
    with held():
        for deal in ("D-1", "D-2", "D-3"):
            remember(store, _record(deal))
        assert store.writes == []  # not yet
    assert store.writes == [3]
    assert sorted(r.deal_id for r in recall(store, "rep-1", AS_OF)) == ["D-1", "D-2", "D-3"]
    remember(store, _record("D-4"))  # outside a block: at once
    assert store.writes == [3, 1]


def test_a_history_read_in_the_block_sees_what_it_holds() -> None:
    store = _Counting()
    with held():
        remember(store, _record("D-1"))
        with held():  # part of the outer block
            remember(store, _record("D-2"))
        assert store.writes == []
        assert [r.deal_id for r in recall(store, "rep-1", AS_OF)] == ["D-1", "D-2"]
        remember(store, _record("D-3"))
    assert store.writes == [2, 1]


def test_a_block_that_fails_writes_nothing() -> None:
    store = _Counting()
    with pytest.raises(RuntimeError), held():
        remember(store, _record("D-1"))
        raise RuntimeError("the answer failed")
    assert store.writes == [] and recall(store, "rep-1", AS_OF) == []
