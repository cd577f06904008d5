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
    from agent.reading.transcripts import read_transcript

    for path in sorted(SAMPLE.glob("*/transcripts/*")):
        for u in read_transcript(path).utterances:
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
