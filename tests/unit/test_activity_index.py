"""The activity index (agent/reading/activity_index.py) gives stakeholder engagement exactly
what scanning every activity per contact gave, on every sample deal and on a large synthetic
one, and is built once per deal object."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from agent.analysis.engagement import stakeholder_engagement
from agent.contracts.deal import Deal
from agent.reading.activity_index import activity_index
from agent.reading.occurrence import took_place
from agent.reading.outreach import is_one_way
from evals.synthetic_workspace import big_deal
from tests.conftest import SAMPLE, SAMPLE_DEALS
from tools.sources import WorkspaceSource


def _scanned(deal: Deal, as_of: dt.date) -> list[tuple[str, list[int], list[int]]]:
    """The former per-contact scan: (contact, their activities up to as_of, one-way ones)."""
    one_way = {i for i, a in enumerate(deal.activities) if is_one_way(a)}
    off = {i for i, a in enumerate(deal.activities) if not took_place(a)} - one_way
    result = []
    for contact in deal.contacts:
        theirs = [
            i
            for i, a in enumerate(deal.activities)
            if contact.id in a.participants and a.date <= as_of
        ]
        touched = [i for i in theirs if i not in one_way and i not in off]
        result.append((contact.id, touched, [i for i in theirs if i in one_way]))
    return result


def _indexed(deal: Deal, as_of: dt.date) -> list[tuple[str, list[int], list[int]]]:
    index = activity_index(deal)
    result = []
    for contact in deal.contacts:
        theirs = [i for i in index.of(contact.id) if deal.activities[i].date <= as_of]
        touched = [i for i in theirs if i not in index.one_way and i not in index.off]
        result.append((contact.id, touched, [i for i in theirs if i in index.one_way]))
    return result


def test_the_index_matches_the_scan_on_every_sample_deal() -> None:
    source = WorkspaceSource(SAMPLE)
    as_of = source.as_of or dt.date(2026, 11, 20)
    compared = 0
    for deal_id in SAMPLE_DEALS:
        deal = source.get_deal(deal_id)
        assert _indexed(deal, as_of) == _scanned(deal, as_of)
        touched = {i for e in stakeholder_engagement(deal, as_of) for i in e.activity_indices}
        assert touched == {i for _, t, _ in _scanned(deal, as_of) for i in t}
        compared += sum(len(t) for _, t, _ in _scanned(deal, as_of))
    assert compared > 20  # the sample has engagement to compare


def test_the_index_matches_the_scan_on_a_large_deal(tmp_path: Path) -> None:
    root = big_deal(tmp_path / "big", activities=600, contacts=60)
    deal = WorkspaceSource(root).load_context("D-1003").deal
    as_of = dt.date(2026, 11, 20)
    assert len(deal.activities) == 600 and len(deal.contacts) == 60
    assert _indexed(deal, as_of) == _scanned(deal, as_of)
    assert activity_index(deal) is activity_index(deal)  # built once per deal object
