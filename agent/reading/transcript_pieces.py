"""Transcript files read into pieces: the lines and caption cues of each format, with their
timings and any speaker the format itself names, before turns are decided.

One reader per format family (plain lines, WebVTT and SRT cues, JSON segments), kept apart from
format detection (transcripts.py) and from deciding speakers and turns (transcript_turns.py).
Bad input raises one InvalidInput naming file and line (`bad`).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from agent.errors import InvalidInput, clip
from agent.intake import check_tree

Format = Literal["plain", "webvtt", "srt", "json"]
UNKNOWN_SPEAKER = "Unknown speaker"
_TS = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?")
_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)")
_LEAD_TS = re.compile(r"^\[?((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\]?\s+")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAGS = re.compile(r"<[^>]*>|\{\\[^}]*\}")
FIX_SEGMENT = "Give each segment speaker, start, end and text"
FIX_EXPORT = "Export the call as .txt, .vtt, .srt or .json text"
HEADER_LINES = 20  # what a recorder writes before the first turn; more is not a header
HEADER_CHARS = 2000


@dataclass
class Piece:
    """A line or cue before speakers are resolved: speaker None continues the previous one."""

    line: int
    text: str
    speaker: str | None = None
    start: float | None = None
    end: float | None = None


def bad(source: str, line: int, what: str, fix: str) -> InvalidInput:
    return InvalidInput(what, where=f"{source}, line {line}", fix=fix)


def stamp_seconds(stamp: str) -> float | None:
    m = _TS.fullmatch(stamp.strip())
    if not m:
        return None
    hours, minutes, secs, frac = m.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + float(f"0.{frac or 0}")


def plain_pieces(text: str) -> list[Piece]:
    pieces = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or (line[0] in "[(" and line[-1] in "])" and not _LEAD_TS.match(line + " ")):
            continue  # blank line or a whole-line stage direction
        start = None
        lead = _LEAD_TS.match(line) if line[0] in "[0123456789" else None
        if lead:
            start, line = stamp_seconds(lead.group(1)), line[lead.end() :]
        pieces.append(Piece(number, line, start=start))
    return pieces


def cue_pieces(text: str, source: str, fmt: Format) -> list[Piece]:
    """WebVTT and SRT: blank-line separated cues with a timing line and text lines."""
    lines = text.splitlines()
    if fmt == "webvtt" and not lines[0].startswith("WEBVTT"):
        raise bad(source, 1, "a WebVTT file must start with 'WEBVTT'", "Add the header line")
    pieces: list[Piece] = []
    block: list[tuple[int, str]] = []
    for number, raw in enumerate([*lines, ""], 1):
        if raw.strip():
            block.append((number, raw.strip()))
            continue
        if block and not (
            fmt == "webvtt" and block[0][1].startswith(("WEBVTT", "NOTE", "STYLE", "REGION"))
        ):
            pieces.extend(_cue(block, source, fmt))
        block = []
    return pieces


def _cue(block: list[tuple[int, str]], source: str, fmt: Format) -> list[Piece]:
    at = 1 if len(block) > 1 and "-->" not in block[0][1] else 0
    number, timing = block[at]
    if at and fmt == "srt" and not block[0][1].isdigit():
        what = f"expected a cue number, found '{block[0][1][:40]}'"
        raise bad(source, block[0][0], what, "Number each cue, then timing, then text")
    m = _TIMING.match(timing)
    start, end = (stamp_seconds(m.group(1)), stamp_seconds(m.group(2))) if m else (None, None)
    if start is None or end is None or end < start:
        sep = "," if fmt == "srt" else "."
        fix = f"Write HH:MM:SS{sep}mmm --> HH:MM:SS{sep}mmm, end after start"
        raise bad(source, number, f"broken cue timestamp '{timing[:60]}'", fix)
    pieces = []
    for line_no, raw in block[at + 1 :]:
        voice = _VOICE.search(raw)
        text = html.unescape(_TAGS.sub("", raw))
        pieces.append(Piece(line_no, text, voice.group(1).strip() if voice else None, start, end))
    return pieces


def json_pieces(text: str, source: str) -> tuple[list[Piece], list[str]]:
    """The segments, and the file's own fields beside them (title, attendees) as header lines."""
    data, lines = _decoded(text, source)
    check_tree(data, source)  # depth, size, valid text, finite numbers
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list):
        raise bad(source, 1, 'expected [segments] or {"segments": [...]}', FIX_SEGMENT)
    if lines is None:
        lines = _segment_lines(text, isinstance(data, dict))
    pieces = []
    for i, seg in enumerate(segments):
        line = lines[i] if i < len(lines) else 1
        if not isinstance(seg, dict) or not isinstance(seg.get("text"), str):
            raise bad(source, line, f"segment {i} has no 'text' string", FIX_SEGMENT)
        speaker = next((seg[k] for k in ("speaker", "speaker_name", "name") if seg.get(k)), None)
        times = [_json_time(seg.get(k), source, line, k) for k in ("start", "end")]
        who = str(speaker) if speaker else UNKNOWN_SPEAKER
        pieces.append(Piece(line, seg["text"], who, times[0], times[1]))
    fields = data.items() if isinstance(data, dict) else []
    header = [
        f"{k}: {json.dumps(v, ensure_ascii=False)[:HEADER_CHARS]}"
        for k, v in fields
        if k != "segments"
    ]
    return pieces, header[:HEADER_LINES]


def _json_time(value: Any, source: str, line: int, key: str) -> float | None:
    if value is None:
        return None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    seconds = stamp_seconds(value) if isinstance(value, str) else float(value) if number else None
    if seconds is None or seconds < 0:
        what = f"segment '{key}' is not a time: {clip(repr(value))}"
        raise bad(source, line, what, "Use seconds (12.5) or HH:MM:SS.mmm")
    return seconds


_WS = " \t\r\n"  # JSON's whitespace, no other
_ARRAY = re.compile(r'[ \t\r\n]*\[|[ \t\r\n]*\{[ \t\r\n]*"segments"[ \t\r\n]*:[ \t\r\n]*\[')
# stands for the array while the rest of the object is decoded (a control character: no
# value a file could hold unescaped)
_UNSEEN = "\u0000segments"


def _decoded(text: str, source: str) -> tuple[Any, list[int] | None]:
    """The file's data, and the line each segment starts on when found in the same pass: a
    bare array, or an object whose first key is "segments" (what recorders write), is walked
    segment by segment with the raw decoder, each segment decoded once; any other shape (or a
    walk that fails) is decoded whole, its errors as json.loads words them, and its lines
    found by a second walk (`_segment_lines`)."""
    m = _ARRAY.match(text)
    if m is not None:
        walked = _walk(text, m.end())
        if walked is not None:
            segments, lines, end = walked
            if "{" not in m.group():  # a bare array: nothing may follow it
                if not text[end:].strip(_WS):
                    return segments, lines
            else:
                try:
                    rest = json.loads('{"segments": "\\u0000segments"' + text[end:])
                except (json.JSONDecodeError, RecursionError):
                    rest = None
                if isinstance(rest, dict) and rest.get("segments") == _UNSEEN:
                    rest["segments"] = segments
                    return rest, lines
    try:
        return json.loads(text), None
    except json.JSONDecodeError as err:
        raise bad(source, err.lineno, f"invalid JSON: {err.msg}", "Fix the JSON syntax") from None
    except RecursionError:
        raise bad(source, 1, "nested too deeply", FIX_SEGMENT) from None


def _walk(text: str, i: int) -> tuple[list[Any], list[int], int] | None:
    """The array's items from just after its `[`, the line each starts on, and the index after
    its `]`; None where it is not valid JSON (then json.loads says what is wrong)."""
    items: list[Any] = []
    lines: list[int] = []
    decoder, last, line, ws = _DECODER, 0, 1, _WS
    try:
        while i < len(text) and text[i] in ws:
            i += 1
        if text[i : i + 1] == "]":
            return items, lines, i + 1
        while True:
            line += text.count("\n", last, i)
            lines.append(line)
            last = i
            item, i = decoder.raw_decode(text, i)
            items.append(item)
            while i < len(text) and text[i] in ws:
                i += 1
            if text[i : i + 1] == "]":
                return items, lines, i + 1
            if text[i : i + 1] != ",":
                return None
            i += 1
            while i < len(text) and text[i] in ws:
                i += 1
    except (json.JSONDecodeError, RecursionError):
        return None


_DECODER = json.JSONDecoder()


def _segment_lines(text: str, wrapped: bool) -> list[int]:
    """The line each segment object starts on, by walking the array with the raw decoder."""
    m = re.search(r'"segments"\s*:\s*\[' if wrapped else r"\[", text)
    if not m:
        return []
    lines: list[int] = []
    decoder, i, last, line = json.JSONDecoder(), m.end(), 0, 1
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text) or text[i] == "]":
            return lines
        line += text.count("\n", last, i)
        lines.append(line)
        last = i
        i = decoder.raw_decode(text, i)[1]
