"""agent/reading/refs.py: a ref read back to the note or activity it points into."""

from __future__ import annotations

from agent.reading.refs import RecordItem, activity_at, record_item


def test_a_ref_is_read_back_to_its_note_or_activity_and_field() -> None:
    assert record_item("deal.activities[3].summary") == RecordItem("activities", 3, "summary", "")
    assert record_item("deal.notes[0].text") == RecordItem("notes", 0, "text", "")
    assert record_item("deal.activities[12]") == RecordItem("activities", 12, None, "")
    assert record_item("deal.contacts[1].notes") is None
    assert record_item("transcript.utterances[4].text") is None


def test_an_activity_field_is_asked_for_exactly() -> None:
    assert activity_at("deal.activities[3].outcome", "outcome") == 3
    assert activity_at("deal.activities[3].summary", "outcome") is None
    assert activity_at("deal.activities[3].participants[0]", "participants") is None
    assert activity_at("deal.activities[3].participants[0]") == 3
    assert activity_at("deal.notes[3].text") is None
