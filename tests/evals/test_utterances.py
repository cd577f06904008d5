"""The labelled persuasion turns: valid references, a fixed split, a loader that notices edits."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from agent.errors import InvalidInput
from evals.utterances import agreement, stats
from evals.utterances.load import (
    CORPUS,
    SPLITS,
    CorpusMissing,
    Label,
    is_heldout,
    iter_rows,
    split_files,
    split_labels,
    text_sha,
)


def _label(**over: object) -> Label:
    fields: dict[str, object] = {"dialog": "d", "turn": 0, "sha": "0" * 12, "labels": ["question"]}
    return Label.model_validate(fields | over)


def test_label_rules() -> None:
    assert _label(labels=["resistance", "objection.price"]).labels[1] == "objection.price"
    for bad in (["other", "question"], ["refusal"], ["stall", "stall"], []):
        with pytest.raises(ValidationError):
            _label(labels=bad)
    with pytest.raises(ValidationError):
        _label(note='says "no"')
    with pytest.raises(ValidationError):
        _label(sha="abc")


def test_committed_files_are_valid_and_split_by_dialogue() -> None:
    seen: set[tuple[str, int]] = set()
    for split in SPLITS:
        for row in split_labels(split):
            assert is_heldout(row.dialog) == (split != "train"), (split, row.dialog)
            assert (row.dialog, row.turn) not in seen
            seen.add((row.dialog, row.turn))
    assert len(split_labels("heldout")) >= 250
    assert len(split_labels("train")) >= 800
    assert {x.dialog for x in split_labels("fresh")}.isdisjoint(
        {x.dialog for x in split_labels("heldout")}
    )
    second = agreement.current()  # refuses a second-pass turn whose first label is missing
    assert second is not None and second.turns >= 100
    assert stats.main(["--check"]) == 0, "STATS.md is stale: python -m evals.utterances.stats"


def _corpus(folder: Path, turns: list[tuple[str, int, str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "dialogs.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dialog_id", "turn", "speaker", "text"])
        writer.writerows(turns)
    return folder


def _heldout_id() -> str:
    return next(f"dlg{i}" for i in range(100) if is_heldout(f"dlg{i}"))


def _write(path: Path, lines: list[dict[str, object]]) -> None:
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")


def test_loader_joins_text_and_previous_turn_and_refuses_edits(tmp_path: Path) -> None:
    dialog = _heldout_id()
    corpus = _corpus(
        tmp_path / "c",
        [
            (dialog, 1, "persuadee", "second answer"),
            (dialog, 0, "persuader", "first ask"),
            (dialog, 0, "persuadee", "first answer"),
            (dialog, 1, "persuader", "second ask"),
        ],
    )
    lines: list[dict[str, object]] = [
        {"dialog": dialog, "turn": t, "sha": text_sha(x), "labels": ["other"]}
        for t, x in ((0, "first answer"), (1, "second answer"))
    ]
    files = tmp_path / "labels"
    files.mkdir()
    held = files / "heldout.jsonl"
    _write(held, lines)
    rows = list(iter_rows(("heldout",), corpus=corpus, folder=files))
    assert [(r.text, r.previous) for r in rows] == [
        ("first answer", "first ask"),
        ("second answer", "second ask"),
    ]
    lines[1]["sha"] = text_sha("something else")
    _write(held, lines)
    with pytest.raises(InvalidInput, match="hash"):
        list(iter_rows(("heldout",), corpus=corpus, folder=files))
    held.rename(files / "train_b.jsonl")
    with pytest.raises(InvalidInput, match="other side"):
        list(iter_rows(("train",), corpus=corpus, folder=files))
    with pytest.raises(CorpusMissing):
        list(iter_rows(("heldout",), corpus=tmp_path / "absent", folder=files))


def test_train_reads_every_train_file_and_fresh_takes_unscored_dialogues(tmp_path: Path) -> None:
    held_ids = [f"dlg{i}" for i in range(100) if is_heldout(f"dlg{i}")][:2]
    train_ids = [f"dlg{i}" for i in range(100) if not is_heldout(f"dlg{i}")][:2]
    texts = {d: f"answer of {d}" for d in held_ids + train_ids}
    corpus = _corpus(
        tmp_path / "c",
        [
            (d, 0, s, f"ask of {d}" if s == "persuader" else texts[d])
            for d in texts
            for s in ("persuader", "persuadee")
        ],
    )
    files = tmp_path / "labels"
    files.mkdir()

    def line(d: str) -> list[dict[str, object]]:
        return [{"dialog": d, "turn": 0, "sha": text_sha(texts[d]), "labels": ["other"]}]

    _write(files / "train.jsonl", line(train_ids[0]))
    _write(files / "train_c.jsonl", line(train_ids[1]))
    _write(files / "heldout.jsonl", line(held_ids[0]))
    _write(files / "fresh.jsonl", line(held_ids[1]))
    assert [x.name for x in split_files("train", files)] == ["train.jsonl", "train_c.jsonl"]
    rows = list(iter_rows(("heldout", "train", "fresh"), corpus=corpus, folder=files))
    assert [(r.split, r.dialog) for r in rows] == [
        ("heldout", held_ids[0]),
        ("train", train_ids[0]),
        ("train", train_ids[1]),
        ("fresh", held_ids[1]),
    ]
    _write(files / "train_b.jsonl", line(train_ids[1]))  # the same turn in a second file
    with pytest.raises(InvalidInput, match="twice"):
        list(iter_rows(("train",), corpus=corpus, folder=files))
    (files / "train_b.jsonl").unlink()
    _write(files / "fresh.jsonl", line(held_ids[0]))  # a dialogue already scored in heldout
    with pytest.raises(InvalidInput, match="already in heldout"):
        list(iter_rows(("fresh",), corpus=corpus, folder=files))


@pytest.mark.skipif(not (CORPUS / "dialogs.csv").exists(), reason="../shared/data is absent")
def test_committed_labels_match_the_corpus() -> None:
    rows = list(iter_rows())
    assert len(rows) == sum(len(split_labels(s)) for s in ("heldout", "train"))
    fresh = list(iter_rows(("fresh",)))
    assert len(fresh) == len(split_labels("fresh"))
    assert all(r.text and r.previous for r in rows)


def test_kappa_and_agreement_refuse_unmatched_turns() -> None:
    assert agreement.kappa([True, False, True, False], [True, False, True, False]) == 1.0
    assert agreement.kappa([True, True, False, False], [True, False, True, False]) == 0.0
    assert agreement.kappa([False, False], [False, False]) is None
    first = [_label(turn=0, labels=["resistance"]), _label(turn=1, labels=["question"])]
    second = [_label(turn=0, labels=["objection.price"]), _label(turn=1, labels=["other"])]
    result = agreement.compare(first, second)
    assert result.exact == 0.0 and result.kappa[agreement.RESISTS] == 1.0
    with pytest.raises(InvalidInput):
        agreement.compare(first, [_label(turn=2)])
