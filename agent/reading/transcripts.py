"""Transcripts in: the formats people actually export, read into one `Transcript`.

Formats: plain `Speaker: text` lines (notes, Otter/Zoom text exports, pasted chats), WebVTT
(Zoom, Teams: `<v Speaker>` voice tags or `Speaker: text` cue text), SRT and JSON segments
(`[{"speaker", "start", "end", "text"}]` or `{"segments": [...]}`). An utterance is a turn:
consecutive pieces by one speaker (caption cues, continuation lines) are joined, because
caption cues are display chunks, not turns, and metrics such as monologues need turns.

A `Label:` starts a new turn when it looks like a name (capitalised words, at most four) or
recurs in the file, so "Three things: speed, cost and risk" stays inside a turn. Bad input
raises one InvalidInput naming file and line: a half-parsed call gives wrong metrics silently.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter

from agent.contracts.conversation import Side, SpeakerMapping, Transcript, Utterance
from agent.contracts.deal import Deal
from agent.errors import InvalidInput, clip
from agent.intake import LIMITS, check_text, check_tree, read_bytes

Format = Literal["plain", "webvtt", "srt", "json"]
How = Literal["exact", "first_name", "last_name", "unmapped"]
UNKNOWN_SPEAKER = "Unknown speaker"
UNKNOWN: Side = "unknown"
FORMATS: tuple[Format, ...] = ("plain", "webvtt", "srt", "json")
_ALIASES: dict[str, Format] = {"txt": "plain", "text": "plain", "vtt": "webvtt"}
_TS = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?")
_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)")
_LEAD_TS = re.compile(r"^\[?((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\]?\s+")
_LABEL = re.compile(
    r"^(?P<label>[^\W\d_][\w .'’&/-]{0,40}?)\s*(?:[(\[](?P<ts>(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?)"
    r"[)\]])?\s*:(?!//)\s*(?P<text>.*)$"
)
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_MIDLINE = re.compile(r"(?<=[.!?\"”)\]])\s+([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}):\s")
# A stage direction ("[laughs]", "[Owen shares the mutual action plan]"): words only. Brackets
# holding a link, an image, a colon, digits or a slash are what someone wrote, kept for the
# reader and the injection detector ("[source: deal.activities[0]]", "[x](https://…)").
_STAGE = re.compile(r"(?<!!)\[([^\W\d_][\w' -]{0,60})\](?!\()")
_TAGS = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_PARTICLE = re.compile(r"(?:de|da|di|du|van|von|der|den|la|le|del|bin|al|st)", re.I)
_TITLE = re.compile(r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam)")
_NUMBERED = re.compile(r"(?:speaker|participant|guest|caller|person|spk|s)\s*\d+", re.I)
_NOT_SPEAKER = re.compile(  # header fields and list labels that are not people
    r"(?:date|time|title|subject|attendees|participants|location|duration|meeting|call|re|cc|"
    r"recording|transcript|notes?|agenda|summary|to|from|question|answer|example|ps|update|"
    r"important|warning|tip|result|goal|problem|solution|step|action items|next steps?)",
    re.I,
)
_UTTERANCES = TypeAdapter(list[Utterance])
_FIX_SEGMENT = "Give each segment speaker, start, end and text"
_FIX_EXPORT = "Export the call as .txt, .vtt, .srt or .json text"


@dataclass
class _Piece:
    """A line or cue before speakers are resolved: speaker None continues the previous one."""

    line: int
    text: str
    speaker: str | None = None
    start: float | None = None
    end: float | None = None


def _bad(source: str, line: int, what: str, fix: str) -> InvalidInput:
    return InvalidInput(what, where=f"{source}, line {line}", fix=fix)


def _seconds(stamp: str) -> float | None:
    m = _TS.fullmatch(stamp.strip())
    if not m:
        return None
    hours, minutes, secs, frac = m.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + float(f"0.{frac or 0}")


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


HEADER_LINES = 20  # what a recorder writes before the first turn; more is not a header
HEADER_CHARS = 2000


def parse_transcript(text: str, source: str = "inline", fmt: str | None = None) -> Transcript:
    """Parse any supported format (detected unless `fmt` names it) into utterances."""
    check_text(text, LIMITS.transcript, clip(source))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _bad(source, line, "binary data, not a transcript", _FIX_EXPORT)
    if not text.strip():
        raise _bad(source, 1, "the transcript is empty", "Export the call with its text")
    name = (fmt or detect_format(text)).lower()
    chosen = _ALIASES.get(name) or next((f for f in FORMATS if f == name), None)
    if chosen is None:
        raise InvalidInput(f"unknown format '{fmt}'", where=source, fix="Use plain/webvtt/srt/json")
    text = text.lstrip("\ufeff")
    if chosen == "json":
        pieces, header = _json_pieces(text, source)
    else:
        raw = _cue_pieces(text, source, chosen) if chosen != "plain" else _plain_pieces(text)
        pieces = _resolve(raw, chosen, source)
    rows = _utterances(pieces, source)  # validated as one list: twice as fast as one by one
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
        raise _bad(str(path), line, what, "Save the transcript as UTF-8 text") from None
    return parse_transcript(text, source=str(path))


def _plain_pieces(text: str) -> list[_Piece]:
    pieces = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or (line[0] in "[(" and line[-1] in "])" and not _LEAD_TS.match(line + " ")):
            continue  # blank line or a whole-line stage direction
        start = None
        lead = _LEAD_TS.match(line) if line[0] in "[0123456789" else None
        if lead:
            start, line = _seconds(lead.group(1)), line[lead.end() :]
        pieces.append(_Piece(number, line, start=start))
    return pieces


def _cue_pieces(text: str, source: str, fmt: Format) -> list[_Piece]:
    """WebVTT and SRT: blank-line separated cues with a timing line and text lines."""
    lines = text.splitlines()
    if fmt == "webvtt" and not lines[0].startswith("WEBVTT"):
        raise _bad(source, 1, "a WebVTT file must start with 'WEBVTT'", "Add the header line")
    pieces: list[_Piece] = []
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


def _cue(block: list[tuple[int, str]], source: str, fmt: Format) -> list[_Piece]:
    at = 1 if len(block) > 1 and "-->" not in block[0][1] else 0
    number, timing = block[at]
    if at and fmt == "srt" and not block[0][1].isdigit():
        what = f"expected a cue number, found '{block[0][1][:40]}'"
        raise _bad(source, block[0][0], what, "Number each cue, then timing, then text")
    m = _TIMING.match(timing)
    start, end = (_seconds(m.group(1)), _seconds(m.group(2))) if m else (None, None)
    if start is None or end is None or end < start:
        sep = "," if fmt == "srt" else "."
        fix = f"Write HH:MM:SS{sep}mmm --> HH:MM:SS{sep}mmm, end after start"
        raise _bad(source, number, f"broken cue timestamp '{timing[:60]}'", fix)
    pieces = []
    for line_no, raw in block[at + 1 :]:
        voice = _VOICE.search(raw)
        text = html.unescape(_TAGS.sub("", raw))
        pieces.append(_Piece(line_no, text, voice.group(1).strip() if voice else None, start, end))
    return pieces


def _json_pieces(text: str, source: str) -> tuple[list[_Piece], list[str]]:
    """The segments, and the file's own fields beside them (title, attendees) as header lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _bad(source, err.lineno, f"invalid JSON: {err.msg}", "Fix the JSON syntax") from None
    except RecursionError:
        raise _bad(source, 1, "nested too deeply", _FIX_SEGMENT) from None
    check_tree(data, source)  # depth, size, valid text, finite numbers
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list):
        raise _bad(source, 1, 'expected [segments] or {"segments": [...]}', _FIX_SEGMENT)
    lines = _segment_lines(text, isinstance(data, dict))
    pieces = []
    for i, seg in enumerate(segments):
        line = lines[i] if i < len(lines) else 1
        if not isinstance(seg, dict) or not isinstance(seg.get("text"), str):
            raise _bad(source, line, f"segment {i} has no 'text' string", _FIX_SEGMENT)
        speaker = next((seg[k] for k in ("speaker", "speaker_name", "name") if seg.get(k)), None)
        times = [_json_time(seg.get(k), source, line, k) for k in ("start", "end")]
        who = str(speaker) if speaker else UNKNOWN_SPEAKER
        pieces.append(_Piece(line, seg["text"], who, times[0], times[1]))
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
    seconds = _seconds(value) if isinstance(value, str) else float(value) if number else None
    if seconds is None or seconds < 0:
        what = f"segment '{key}' is not a time: {clip(repr(value))}"
        raise _bad(source, line, what, "Use seconds (12.5) or HH:MM:SS.mmm")
    return seconds


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


def _resolve(pieces: list[_Piece], fmt: Format, source: str) -> list[_Piece]:
    """Decide which `Label:` prefixes are speakers, then split turns pasted onto one line."""
    found = [
        (p, _LABEL.match(p.text) if ":" in p.text[:64] and not p.speaker else None) for p in pieces
    ]
    counts = Counter(m["label"] for _p, m in found if m)
    speakers = {label for label, n in counts.items() if _speaker_label(label, n)}
    out: list[_Piece] = []
    for piece, m in found:
        if (
            m
            and m["label"] in speakers
            and not (m["label"][-1].isdigit() and m["text"][:1].isdigit())
        ):
            # (a digit on both sides of the colon is a time of day: "Meeting at 10:30")
            piece.speaker, piece.text = m["label"], m["text"]
            piece.start = _seconds(m["ts"]) if m["ts"] else piece.start
        if piece.speaker is None and not out and fmt == "plain":
            continue  # text before the first speaker: a title or header
        out.append(piece)
    if not out:
        what = "no 'Speaker: text' line found" if fmt == "plain" else "no cues found"
        fix = "Start each turn with the speaker's name and a colon"
        raise _bad(source, pieces[0].line if pieces else 1, what, fix)
    known = speakers | {p.speaker for p in out if p.speaker}
    mid = Counter(x for p in out if ": " in p.text for x in _MIDLINE.findall(p.text))
    known |= {x for x, n in mid.items() if n >= 2 and _speaker_label(x, 1)}
    return [q for p in out for q in _split(p, known)]


def _speaker_label(label: str, count: int) -> bool:
    """Name-like (capitalised words, or 'Speaker 2') or recurring labels are speakers."""
    words = label.split()
    if _NOT_SPEAKER.fullmatch(label) or not words or len(words) > 4:
        return False
    named = all(w[0].isupper() or _PARTICLE.fullmatch(w) for w in words)
    return named or _NUMBERED.fullmatch(label) is not None or count >= 2


def _split(piece: _Piece, known: set[str]) -> list[_Piece]:
    """Turns pasted onto one line ("...today? Michael: I'm fine.") become separate pieces."""
    if ": " not in piece.text:
        return [piece]
    cuts = [m for m in _MIDLINE.finditer(piece.text) if m.group(1) in known]
    if not cuts:
        return [piece]
    out = [_Piece(piece.line, piece.text[: cuts[0].start()], piece.speaker, piece.start, piece.end)]
    for m, nxt in zip(cuts, [*cuts[1:], None], strict=True):
        text = piece.text[m.end() : nxt.start() if nxt else None]
        out.append(_Piece(piece.line, text, m.group(1), None, None))
    return out


def _clean(text: str) -> str:
    text = " ".join((_STAGE.sub(" ", text) if "[" in text else text).split())
    if len(text) > 1 and text[0] in '"“' and text[-1] in '"”' and text.count('"') <= 2:
        text = text[1:-1].strip()
    return text


def _utterances(pieces: list[_Piece], source: str) -> list[dict[str, Any]]:
    """Join continuation lines and same-speaker runs into turns; drop what has no words."""
    turns: list[_Piece] = []
    speaker = UNKNOWN_SPEAKER  # who a continuation line belongs to
    for piece in pieces:
        speaker = piece.speaker or speaker
        text = _clean(piece.text)
        if not text:
            continue  # a stage direction, or a label whose words follow on the next lines
        if turns and turns[-1].speaker == speaker:
            last = turns[-1]
            last.text += " " + text
            last.start = last.start if last.start is not None else piece.start
            last.end = piece.end if piece.end is not None else last.end
        else:
            turns.append(_Piece(piece.line, text, speaker, piece.start, piece.end))
    if not turns:
        raise _bad(source, pieces[0].line if pieces else 1, "no spoken text found", _FIX_EXPORT)
    if len(turns) > LIMITS.utterances:
        raise _bad(
            source,
            turns[LIMITS.utterances].line,
            f"more than {LIMITS.utterances} turns",
            "Split the call into parts and analyse each",
        )
    return [
        dict(index=i, speaker=t.speaker, text=t.text, start_s=t.start, end_s=t.end, line=t.line)
        for i, t in enumerate(turns)
    ]


def map_speakers(transcript: Transcript, deal: Deal) -> Transcript:
    """Map speaker labels to the deal's people: exact full name, then a unique first name, then
    a unique last name (also "Ms. Cole"), case-insensitively. The owner and team are the seller
    side, contacts the customer side; labels matching nobody are listed as unmapped."""
    sides: dict[str, tuple[str, Side]] = {m.id: (m.name, "seller") for m in deal.team}
    sides.update({deal.owner.id: (deal.owner.name, "seller")})
    sides.update({c.id: (c.name, "customer") for c in deal.contacts})
    people = [(pid, toks) for pid, (name, _) in sides.items() if (toks := _tokens(name))]
    maps: dict[str, SpeakerMapping] = {}
    for label in dict.fromkeys(u.speaker for u in transcript.utterances):
        pid, how = _match(_tokens(label), people)
        name, side = sides[pid] if pid else (None, UNKNOWN)
        maps[label] = SpeakerMapping(speaker=label, person_id=pid, name=name, side=side, how=how)
    fields = {k: {"person_id": m.person_id, "side": m.side} for k, m in maps.items()}
    # __dict__ holds a pydantic model's field values; one list validation beats 600 copies
    rows = [{**u.__dict__, **fields[u.speaker]} for u in transcript.utterances]
    utterances = _UTTERANCES.validate_python(rows)
    unmapped = [m.speaker for m in maps.values() if m.how == "unmapped"]
    update = {"utterances": utterances, "unmapped": unmapped, "speakers": list(maps.values())}
    return transcript.model_copy(update=update)


def _tokens(name: str) -> list[str]:
    """Lower-case name words without punctuation, "(Brightwell)" notes or "| company" suffixes."""
    name = re.sub(r"\(.*?\)|\|.*$", " ", name.lower())
    return re.sub(r"[^\w\s'-]|_|\d", " ", name).split()


def _match(toks: list[str], people: list[tuple[str, list[str]]]) -> tuple[str | None, How]:
    """One person or none: a rule that matches two people maps nobody rather than guessing."""
    titled = bool(toks) and _TITLE.fullmatch(toks[0]) is not None
    toks = toks[1:] if titled else toks
    if not toks:
        return None, "unmapped"
    one, first, last = len(toks) == 1, toks[0], toks[-1]
    tests: dict[How, Callable[[list[str]], bool]] = {
        "exact": lambda n: n == toks,
        "first_name": lambda n: not titled and n[0] == first and (one or n[-1].startswith(last)),
        "last_name": lambda n: n[-1] == last and (one or n[0][0] == first[0]),
    }
    for how, test in tests.items():
        hits = [pid for pid, n in people if test(n)]
        if len(hits) == 1:
            return hits[0], how
    return None, "unmapped"
