"""Conversations: what was said in a call, and who said it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.contracts.base import Contract

Side = Literal["seller", "customer", "unknown"]


class Utterance(Contract):
    index: int = Field(ge=0, description="Position in the transcript, for citations.")
    speaker: str = Field(description="The speaker label as written in the transcript.")
    text: str
    start_s: float | None = Field(default=None, ge=0, description="Seconds from the start.")
    end_s: float | None = Field(default=None, ge=0)
    person_id: str | None = Field(default=None, description="Contact or team member id.")
    side: Side = "unknown"
    line: int | None = Field(default=None, description="Line in the source file.")


class SpeakerMapping(Contract):
    speaker: str
    person_id: str | None
    name: str | None
    side: Side
    how: Literal["exact", "first_name", "last_name", "unmapped"]
    confirmed: bool = Field(
        default=True,
        description="False when only the label ties the speaker to the person: nothing outside "
        "the spoken lines (the meeting's attendees, the call's CRM activity, the transcript's "
        "own attendee header) names them. See agent/reading/identity.py.",
    )


class Transcript(Contract):
    source: str = Field(description="File name or 'inline'.")
    format: Literal["plain", "webvtt", "srt", "json"]
    utterances: list[Utterance]
    speakers: list[SpeakerMapping] = Field(default_factory=list)
    unmapped: list[str] = Field(default_factory=list, description="Speakers not in the deal.")
    header: list[str] = Field(
        default_factory=list,
        description="Lines before the first turn (title, attendee list), or a JSON file's own "
        "fields beside its segments.",
    )
