"""Post-call analysis through the graph: grounded and contained on every sample transcript,
and lessons kept in LangGraph's SQLite store reach the next deal at the same stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.capabilities.post_call_analysis.contract import PostCallAnalysisResult
from agent.contracts.request import CoachingRequest, Meeting
from agent.reading.speaker_mapping import map_speakers
from agent.reading.transcripts import call_date, parse_transcript
from agent.service import coach
from agent.settings import CoachContext
from tests.conftest import SAMPLE
from tests.graph.checks import assert_grounded_and_contained
from tools.sources import WorkspaceSource

TRANSCRIPTS = sorted(SAMPLE.glob("deals/*/transcripts/*"))


def request(path: Path) -> CoachingRequest:
    return CoachingRequest(
        capability="post_call_analysis",
        deal_id=path.parts[-3],
        transcript=path.read_text(),
        transcript_source=path.name,
        meeting=Meeting(date=call_date(path)),
    )


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.parts[-3])
def test_debrief_is_grounded_and_contained(path: Path, tmp_path: Path) -> None:
    deal_id = path.parts[-3]
    resp = coach(request(path), CoachContext(outbox=None, memory=tmp_path / "m.sqlite"))
    deal = WorkspaceSource(SAMPLE).get_deal(deal_id)
    call = map_speakers(parse_transcript(path.read_text(), source=path.name), deal)
    assert_grounded_and_contained(resp, "post_call_analysis", deal_id, call)
    r = resp.result
    assert isinstance(r, PostCallAnalysisResult)
    assert r.call.date == call_date(path) and r.patch.add_activity.date == r.call.date
    assert r.lessons_saved and r.follow_up.body.endswith(deal.owner.name)
    assert "## Follow-up email (draft)" in resp.markdown
    if r.patch.next_step_date:  # the date is shown once, not twice
        line = next(x for x in resp.markdown.splitlines() if x.startswith("- Next step:"))
        assert line.count(r.patch.next_step_date.isoformat()) == 1


def test_lessons_reach_the_next_deal_at_the_same_stage(tmp_path: Path) -> None:
    ctx = CoachContext(outbox=None, memory=tmp_path / "memory.sqlite")
    first = coach(request(SAMPLE / "deals/D-1003/transcripts/2026-11-18-call.txt"), ctx)
    assert isinstance(first.result, PostCallAnalysisResult) and first.result.lessons
    assert first.result.lessons_from_similar == []  # nothing learned before
    second = coach(request(SAMPLE / "deals/D-1006/transcripts/2026-11-18-close.txt"), ctx)
    assert isinstance(second.result, PostCallAnalysisResult)
    similar = second.result.lessons_from_similar
    # one earlier deal, under an opaque key: memory shared across deals keeps no deal id
    assert similar and len({s.deal_id for s in similar}) == 1
    assert all(s.deal_id != "D-1003" and "D-1003" not in second.markdown for s in similar)
    assert all(s.citations == [] and "Bethany" not in s.text for s in similar)
    assert second.check.passed


def test_without_a_store_nothing_is_remembered() -> None:
    resp = coach(
        request(SAMPLE / "deals/D-1003/transcripts/2026-11-18-call.txt"),
        CoachContext(outbox=None, memory=None),
    )
    assert isinstance(resp.result, PostCallAnalysisResult)
    assert not resp.result.lessons_saved and resp.result.lessons_from_similar == []


def test_a_request_without_a_transcript_is_refused() -> None:
    with pytest.raises(ValueError, match="needs the call's transcript"):
        CoachingRequest(capability="post_call_analysis", deal_id="D-1003", transcript="  ")
