"""Pieces into turns: which `Label:` prefixes are speakers, turns pasted onto one line split
apart, stage directions dropped, and consecutive pieces by one speaker joined into one turn.

A `Label:` starts a new turn when it looks like a name (capitalised words, at most four) or
recurs in the file, so "Three things: speed, cost and risk" stays inside a turn. Kept apart
from the format readers (transcript_pieces.py): every format's pieces become turns here.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from agent.intake import LIMITS
from agent.reading.transcript_pieces import (
    FIX_EXPORT,
    UNKNOWN_SPEAKER,
    Format,
    Piece,
    bad,
    stamp_seconds,
)

_LABEL = re.compile(
    r"^(?P<label>[^\W\d_][\w .'’&/-]{0,40}?)\s*(?:[(\[](?P<ts>(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?)"
    r"[)\]])?\s*:(?!//)\s*(?P<text>.*)$"
)
_MIDLINE = re.compile(r"(?<=[.!?\"”)\]])\s+([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}):\s")
# A stage direction ("[laughs]", "[Owen shares the mutual action plan]"): words only. Brackets
# holding a link, an image, a colon, digits or a slash are what someone wrote, kept for the
# reader and the injection detector ("[source: deal.activities[0]]", "[x](https://…)").
_STAGE = re.compile(r"(?<!!)\[([^\W\d_][\w' -]{0,60})\](?!\()")
_PARTICLE = re.compile(r"(?:de|da|di|du|van|von|der|den|la|le|del|bin|al|st)", re.I)
_NUMBERED = re.compile(r"(?:speaker|participant|guest|caller|person|spk|s)\s*\d+", re.I)
_NOT_SPEAKER = re.compile(  # header fields and list labels that are not people
    r"(?:date|time|title|subject|attendees|participants|location|duration|meeting|call|re|cc|"
    r"recording|transcript|notes?|agenda|summary|to|from|question|answer|example|ps|update|"
    r"important|warning|tip|result|goal|problem|solution|step|action items|next steps?)",
    re.I,
)


def resolve(pieces: list[Piece], fmt: Format, source: str) -> list[Piece]:
    """Decide which `Label:` prefixes are speakers, then split turns pasted onto one line."""
    found = [
        (p, _LABEL.match(p.text) if ":" in p.text[:64] and not p.speaker else None) for p in pieces
    ]
    counts = Counter(m["label"] for _p, m in found if m)
    speakers = {label for label, n in counts.items() if _speaker_label(label, n)}
    out: list[Piece] = []
    for piece, m in found:
        if (
            m
            and m["label"] in speakers
            and not (m["label"][-1].isdigit() and m["text"][:1].isdigit())
        ):
            # (a digit on both sides of the colon is a time of day: "Meeting at 10:30")
            piece.speaker, piece.text = m["label"], m["text"]
            piece.start = stamp_seconds(m["ts"]) if m["ts"] else piece.start
        if piece.speaker is None and not out and fmt == "plain":
            continue  # text before the first speaker: a title or header
        out.append(piece)
    if not out:
        what = "no 'Speaker: text' line found" if fmt == "plain" else "no cues found"
        fix = "Start each turn with the speaker's name and a colon"
        raise bad(source, pieces[0].line if pieces else 1, what, fix)
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


def _split(piece: Piece, known: set[str]) -> list[Piece]:
    """Turns pasted onto one line ("...today? Michael: I'm fine.") become separate pieces."""
    if ": " not in piece.text:
        return [piece]
    cuts = [m for m in _MIDLINE.finditer(piece.text) if m.group(1) in known]
    if not cuts:
        return [piece]
    out = [Piece(piece.line, piece.text[: cuts[0].start()], piece.speaker, piece.start, piece.end)]
    for m, nxt in zip(cuts, [*cuts[1:], None], strict=True):
        text = piece.text[m.end() : nxt.start() if nxt else None]
        out.append(Piece(piece.line, text, m.group(1), None, None))
    return out


def _clean(text: str) -> str:
    text = " ".join((_STAGE.sub(" ", text) if "[" in text else text).split())
    if len(text) > 1 and text[0] in '"“' and text[-1] in '"”' and text.count('"') <= 2:
        text = text[1:-1].strip()
    return text


def utterances(pieces: list[Piece], source: str) -> list[dict[str, Any]]:
    """Join continuation lines and same-speaker runs into turns; drop what has no words."""
    turns: list[Piece] = []
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
            turns.append(Piece(piece.line, text, speaker, piece.start, piece.end))
    if not turns:
        raise bad(source, pieces[0].line if pieces else 1, "no spoken text found", FIX_EXPORT)
    if len(turns) > LIMITS.utterances:
        raise bad(
            source,
            turns[LIMITS.utterances].line,
            f"more than {LIMITS.utterances} turns",
            "Split the call into parts and analyse each",
        )
    return [
        dict(index=i, speaker=t.speaker, text=t.text, start_s=t.start, end_s=t.end, line=t.line)
        for i, t in enumerate(turns)
    ]
