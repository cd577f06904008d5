"""Realistic call lines, each used once: the benchmark's 45-minute call of lines that all
differ (issue 18). A call that repeats a few dozen lines flatters every cost kept per line
(an embedding, a reading); a real call's 600 lines are 600 texts.

The lines are the turns of the PersuasionForGood dialogues in ../shared (real people in
conversation, one asking the other to act), dialogue after dialogue, the persuader as the
seller and the persuadee as the customer; a text already used is skipped. Without ../shared
(a fresh clone) they are the shipped sample calls' lines, which are fewer. `window` picks
another stretch of the corpus, so each new call of a benchmark is one never read before.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "data" / "persuasionforgood_unlabeled" / "dialogs.csv"
SAMPLE = HERE.parent / "sample_workspace" / "deals"


def _corpus_turns(path: Path) -> Iterator[tuple[str, str]]:
    """(role, text) of every turn, dialogue after dialogue, in the file's order."""
    with path.open(newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            text = " ".join(rec["text"].split())
            if text:
                yield ("seller" if rec["speaker"] == "persuader" else "customer", text)


def _sample_turns() -> Iterator[tuple[str, str]]:
    """The sample calls' turns, each call's speakers mapped to its deal's people."""
    from agent.reading.speaker_mapping import map_speakers
    from agent.reading.transcripts import read_transcript
    from tools.sources import workspace_source

    source = workspace_source(SAMPLE.parent)
    for path in sorted(SAMPLE.glob("*/transcripts/*")):
        deal = source.load_context(path.parent.parent.name).deal
        for u in map_speakers(read_transcript(path), deal).utterances:
            yield ("seller" if u.side == "seller" else "customer", u.text)


def distinct_lines(count: int, window: int = 0) -> list[tuple[str, str]]:
    """`count` (role, text) turns, no text twice, the `window`-th stretch of `count` of the
    corpus (the sample calls' lines when ../shared is absent: then fewer than `count`)."""
    turns = _corpus_turns(CORPUS) if CORPUS.is_file() else _sample_turns()
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    skip = count * window
    for role, text in turns:
        if text in seen:
            continue
        seen.add(text)
        if skip:
            skip -= 1
            continue
        out.append((role, text))
        if len(out) == count:
            break
    return out


def distinct_call(deal: Any, count: int = 600, window: int = 0, minutes: float = 45.0) -> Any:
    """A Transcript of `distinct_lines(count, window)` spread over `minutes`, the seller's
    lines spoken by the deal's owner and the customer's by its contacts in turn (Deal:
    agent.contracts.deal), each line as long as its words take to say."""
    from agent.contracts.conversation import Transcript, Utterance

    voices = {"seller": [deal.owner.name], "customer": [c.name for c in deal.contacts]}
    clock, raw = 0.0, []
    for i, (side, text) in enumerate(distinct_lines(count, window)):
        length = max(1.0, len(text.split()) / 2.5)
        names = voices[side] or voices["seller"]
        raw.append((names[i % len(names)], text, clock, clock + length))
        clock += length + 1.0
    scale = minutes * 60 / clock if clock else 1.0
    utterances = [
        Utterance(
            index=i, speaker=who, text=text, start_s=round(a * scale, 2), end_s=round(b * scale, 2)
        )
        for i, (who, text, a, b) in enumerate(raw)
    ]
    return Transcript(source=f"bench:distinct-{window}", format="plain", utterances=utterances)
