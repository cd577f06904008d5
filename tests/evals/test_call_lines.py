"""The benchmark's call of distinct lines (evals/call_lines.py): never a line twice, another
stretch per window, and a transcript the debrief reads with the deal's people speaking."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.resources import sample_workspace
from evals import call_lines
from tools.sources import workspace_source


@pytest.fixture(params=["corpus", "sample"])
def source(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared corpus when it is here (skipped otherwise), and the sample calls' lines."""
    if request.param == "corpus" and not call_lines.CORPUS.is_file():
        pytest.skip("../shared is absent")
    if request.param == "sample":
        monkeypatch.setattr(call_lines, "CORPUS", Path("/nonexistent/dialogs.csv"))
    return str(request.param)


def test_the_lines_of_a_call_and_of_two_windows_all_differ(source: str) -> None:
    first = call_lines.distinct_lines(40, 0)
    second = call_lines.distinct_lines(40, 1)
    texts = [t for _, t in first + second]
    assert len(first) == 40 and len(second) == 40
    assert len(set(texts)) == len(texts)
    assert {side for side, _ in first} == {"seller", "customer"}


def test_the_call_is_spoken_by_the_deals_people_over_the_minutes(source: str) -> None:
    deal = workspace_source(sample_workspace()).load_context("D-1003").deal
    call = call_lines.distinct_call(deal, 30, 0, minutes=10.0)
    people = {deal.owner.name, *(c.name for c in deal.contacts)}
    assert len(call.utterances) == 30 and {u.speaker for u in call.utterances} <= people
    starts = [u.start_s or 0.0 for u in call.utterances]
    assert starts == sorted(starts) and 0.0 < (call.utterances[-1].end_s or 0.0) <= 600.0
