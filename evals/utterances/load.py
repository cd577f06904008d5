"""Joins the label files with the PersuasionForGood dialogues in ../shared.

The repository holds only references (dialogue, turn, a hash of the text) because the corpus may not
be copied here (`../shared/data/README.md`). This module is the one place that finds the corpus,
decides the held-out split, checks that every labelled text is still the text that was labelled,
and yields rows with the turn's text and the previous turn's text (the classifier's context).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agent.contracts.utterance import UTTERANCE_LABELS
from agent.errors import InvalidInput, describe_validation_error

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "persuasionforgood_unlabeled"
# split -> the label files it reads (a glob in this folder, sorted): several labellers add training
# files side by side (train.jsonl, train_b.jsonl, ...); `fresh` is a second held-out set, turns of
# held-out dialogues that heldout.jsonl does not label, on which no model was scored before.
SPLITS: dict[str, str] = {
    "heldout": "heldout.jsonl",
    "train": "train*.jsonl",
    "fresh": "fresh.jsonl",
}
LABELS: tuple[str, ...] = UTTERANCE_LABELS  # the classifier's labels, defined once
# First hex digit of sha1(dialog_id) that puts a dialogue in the held-out split (3/16, ~19%).
HELDOUT_DIGITS = frozenset("012")
Split = Literal["heldout", "train", "fresh"]
HELDOUT_SIDE = frozenset({"heldout", "fresh"})  # splits whose dialogues must be held out


class CorpusMissing(InvalidInput):
    """../shared is absent (a fresh clone): callers skip instead of failing."""


def text_sha(text: str) -> str:
    """The first 12 hex digits of sha1 of the text: enough to notice an edit, not to recover it."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def is_heldout(dialog_id: str) -> bool:
    """Whether a dialogue is held out; depends only on its id, so it never moves."""
    return hashlib.sha1(dialog_id.encode("utf-8")).hexdigest()[0] in HELDOUT_DIGITS


class Label(BaseModel):
    """One line of a label file: which turn, a hash of its text, and its labels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dialog: str = Field(min_length=1)
    turn: int = Field(ge=0)
    speaker: Literal["persuadee"] = "persuadee"
    sha: str = Field(pattern=r"^[0-9a-f]{12}$")
    labels: tuple[str, ...] = Field(min_length=1)
    note: str = Field(default="", max_length=200)

    @field_validator("labels")
    @classmethod
    def _known(cls, labels: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [x for x in labels if x not in LABELS]
        if unknown:
            raise ValueError(f"unknown label(s) {unknown}; valid: {', '.join(LABELS)}")
        if len(set(labels)) != len(labels):
            raise ValueError("a label is repeated")
        if "other" in labels and len(labels) > 1:
            raise ValueError("'other' is used only alone")
        return labels

    @model_validator(mode="after")
    def _no_quotes(self) -> Label:
        if '"' in self.note:
            raise ValueError("a note describes, it does not quote the text")
        return self


class Row(BaseModel):
    """A labelled turn with its text and the previous turn's text, ready for training or scoring."""

    model_config = ConfigDict(frozen=True)

    dialog: str
    turn: int
    split: Split
    text: str
    previous: str
    labels: tuple[str, ...]


def read_labels(path: Path) -> list[Label]:
    """Every line of a label file, validated; a bad line names its file and line number."""
    if not path.exists():
        return []
    out: list[Label] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(Label.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as err:
            detail = (
                describe_validation_error(err.errors())
                if isinstance(err, ValidationError)
                else str(err)
            )
            raise InvalidInput(
                detail, where=f"{path}:{number}", fix="See evals/utterances/GUIDE.md"
            ) from err
    return out


def split_files(split: str, folder: Path = HERE) -> list[Path]:
    """The label files of one split, sorted by name."""
    return sorted(folder.glob(SPLITS[split]))


def split_labels(split: str, folder: Path = HERE) -> list[Label]:
    """Every label line of one split, file by file."""
    return [x for path in split_files(split, folder) for x in read_labels(path)]


Turns = dict[str, list[tuple[int, str, str]]]


def read_dialogs(corpus: Path = CORPUS) -> Turns:
    """dialog_id -> its turns in order as (turn, speaker, text); raises CorpusMissing without it."""
    path = corpus / "dialogs.csv"
    if not path.exists():
        raise CorpusMissing(
            "the PersuasionForGood dialogues are not here",
            where=str(path),
            fix="Put ../shared/data next to the repository; the labels hold references only",
        )
    dialogs: Turns = {}
    order = {"persuader": 0, "persuadee": 1}
    with path.open(encoding="utf-8", newline="") as handle:
        for rec in csv.DictReader(handle):
            dialogs.setdefault(rec["dialog_id"], []).append(
                (int(rec["turn"]), rec["speaker"], rec["text"])
            )
    for turns in dialogs.values():
        turns.sort(key=lambda t: (t[0], order.get(t[1], 2)))
    return dialogs


def previous_text(turns: list[tuple[int, str, str]], index: int) -> str:
    """The text just before position `index` in a dialogue (the persuader's message), or ''."""
    return turns[index - 1][2] if index > 0 else ""


def iter_rows(
    splits: tuple[Split, ...] = ("heldout", "train"),
    corpus: Path = CORPUS,
    folder: Path = HERE,
) -> Iterator[Row]:
    """Labelled turns joined with their text.

    Refuses edited text, a turn in the wrong split, a turn labelled twice, and a `fresh` dialogue
    that heldout.jsonl already labels (a model was scored on it, so it is not fresh).
    """
    dialogs = read_dialogs(corpus)
    scored = {x.dialog for x in split_labels("heldout", folder)} if "fresh" in splits else set()
    seen: set[tuple[str, int]] = set()
    for split in splits:
        for path in split_files(split, folder):
            for label in read_labels(path):
                where = f"{path.name}: {label.dialog} turn {label.turn}"
                if (label.dialog, label.turn) in seen:
                    raise InvalidInput("the turn is labelled twice", where=where)
                seen.add((label.dialog, label.turn))
                _check_split(label, split, scored, where)
                yield _join(label, split, dialogs.get(label.dialog, []), where)


def _check_split(label: Label, split: Split, scored: set[str], where: str) -> None:
    if is_heldout(label.dialog) != (split in HELDOUT_SIDE):
        raise InvalidInput(
            f"the dialogue belongs to the other side of the split than {split}",
            where=where,
            fix="Move the line; the split is sha1(dialog_id), see GUIDE.md",
        )
    if split == "fresh" and label.dialog in scored:
        raise InvalidInput(
            "the dialogue is already in heldout.jsonl; fresh takes unlabelled dialogues only",
            where=where,
            fix="Label the dialogue's remaining turns in heldout.jsonl, or pick another dialogue",
        )


def _join(label: Label, split: Split, turns: list[tuple[int, str, str]], where: str) -> Row:
    index = next(
        (i for i, t in enumerate(turns) if t[0] == label.turn and t[1] == label.speaker),
        None,
    )
    if index is None:
        raise InvalidInput("no such persuadee turn in dialogs.csv", where=where)
    text = turns[index][2]
    if text_sha(text) != label.sha:
        raise InvalidInput(
            "the text's hash differs from the labelled one (the corpus changed)",
            where=where,
            fix="Relabel the turn after reading its new text",
        )
    return Row(
        dialog=label.dialog,
        turn=label.turn,
        split=split,
        text=text,
        previous=previous_text(turns, index),
        labels=label.labels,
    )
