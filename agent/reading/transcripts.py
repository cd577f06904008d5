"""Transcripts in: the formats people actually export, read into one `Transcript`.

Formats: plain `Speaker: text` lines (notes, Otter/Zoom text exports, pasted chats), WebVTT
(Zoom, Teams: `<v Speaker>` voice tags or `Speaker: text` cue text), SRT and JSON segments
(`[{"speaker", "start", "end", "text"}]` or `{"segments": [...]}`). An utterance is a turn:
consecutive pieces by one speaker (caption cues, continuation lines) are joined, because
caption cues are display chunks, not turns, and metrics such as monologues need turns.

A `Label:` starts a new turn when it looks like a name (capitalised words, at most four) or
recurs in the file, so "Three things: speed, cost and risk" stays inside a turn. Bad input
raises one InvalidInput naming file and line: a half-parsed call gives wrong metrics silently.
Each format's lines and cues are read in transcript_pieces.py, turned into turns in
transcript_turns.py; speakers are mapped to the deal's people in speaker_mapping.py.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from agent.contracts.conversation import Transcript
from agent.errors import InvalidInput, clip
from agent.intake import LIMITS, check_text, read_bytes
from agent.reading.transcript_pieces import (
    FIX_EXPORT,
    HEADER_CHARS,
    HEADER_LINES,
    Format,
    bad,
    cue_pieces,
    json_pieces,
    plain_pieces,
)
from agent.reading.transcript_turns import resolve, utterances

FORMATS: tuple[Format, ...] = ("plain", "webvtt", "srt", "json")
_ALIASES: dict[str, Format] = {"txt": "plain", "text": "plain", "vtt": "webvtt"}


def detect_format(text: str) -> Format:
    """WEBVTT header, JSON brackets, SRT's numbered timed cues; anything else is plain text."""
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("WEBVTT"):
        return "webvtt"
    if body.startswith("{") or re.match(r"\[\s*[{\]]", body):
        return "json"
    head = [ln.strip() for ln in body.splitlines()[:2]]
    if head and ("-->" in head[0] or (head[0].isdigit() and len(head) > 1 and "-->" in head[1])):
        return "srt"
    return "plain"


def parse_transcript(text: str, source: str = "inline", fmt: str | None = None) -> Transcript:
    """Parse any supported format (detected unless `fmt` names it) into utterances."""
    check_text(text, LIMITS.transcript, clip(source))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise bad(source, line, "binary data, not a transcript", FIX_EXPORT)
    if not text.strip():
        raise bad(source, 1, "the transcript is empty", "Export the call with its text")
    name = (fmt or detect_format(text)).lower()
    chosen = _ALIASES.get(name) or next((f for f in FORMATS if f == name), None)
    if chosen is None:
        raise InvalidInput(f"unknown format '{fmt}'", where=source, fix="Use plain/webvtt/srt/json")
    text = text.lstrip("\ufeff")
    if chosen == "json":
        pieces, header = json_pieces(text, source)
    else:
        raw = cue_pieces(text, source, chosen) if chosen != "plain" else plain_pieces(text)
        pieces = resolve(raw, chosen, source)
    rows = utterances(pieces, source)  # validated as one list: twice as fast as one by one
    if chosen != "json":
        header = _header_lines(text, rows[0]["line"])
    data = {"source": source, "format": chosen, "utterances": rows, "header": header}
    return Transcript.model_validate(data)


def _header_lines(text: str, first: int | None) -> list[str]:
    """The lines before the first spoken line: a title, a date, an attendee list."""
    lines = text.splitlines()[: (first or 1) - 1]
    return [line.strip()[:HEADER_CHARS] for line in lines if line.strip()][:HEADER_LINES]


def call_date(path: Path) -> dt.date | None:
    """The call's date when the file name starts with it (2026-11-18-call.txt)."""
    try:
        return dt.date.fromisoformat(path.name[:10])
    except ValueError:
        return None


def read_transcript(path: Path) -> Transcript:
    """Read a transcript file; the format comes from its content, so any extension works."""
    data = read_bytes(Path(path), LIMITS.transcript, "transcript")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        what = f"not UTF-8 text (byte 0x{data[err.start]:02x}): binary or another encoding"
        raise bad(str(path), line, what, "Save the transcript as UTF-8 text") from None
    return parse_transcript(text, source=str(path))
