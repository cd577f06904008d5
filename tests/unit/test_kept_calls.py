"""A call sent again about an unchanged deal reuses its parsed context (and so its reading);
another call, or the same call about another deal version, never does."""

from __future__ import annotations

from agent.contracts.request import CoachingRequest
from agent.nodes.load_context import with_transcript
from tests.factories import make_context

CALL = "Rita Seller: Who signs off on this?\nBuyer: Our CFO, Dana Quill, signs it."


def _request(transcript: str) -> CoachingRequest:
    return CoachingRequest(capability="post_call_analysis", deal_id="T-1", transcript=transcript)


def test_the_same_call_about_the_same_deal_object_is_one_context() -> None:
    ctx = make_context()
    first = with_transcript(ctx, _request(CALL))
    assert first.transcript is not None and first.transcript.utterances
    assert with_transcript(ctx, _request(CALL)) is first


def test_another_call_or_another_deal_version_is_read_afresh() -> None:
    ctx = make_context()
    first = with_transcript(ctx, _request(CALL))
    other = with_transcript(ctx, _request(CALL.replace("Dana Quill", "Ines Marsh")))
    assert other is not first and other.transcript is not None
    assert "Ines Marsh" in other.transcript.utterances[-1].text
    changed = make_context(deal={"name": "Renamed deal"})
    again = with_transcript(changed, _request(CALL))
    assert again is not first and again.deal.name == "Renamed deal"
