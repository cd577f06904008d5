"""The utterance classifier's training data: the authored utterances (authored.jsonl, grouped so
paraphrases of one idea share a fold) and the labelled real turns (load.py), with the data's
version and its label matrix. Training (train.py) and the report (report.py) read the same rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from agent.contracts.utterance import UTTERANCE_LABELS

AUTHORED = Path(__file__).resolve().parent / "authored.jsonl"
Array = npt.NDArray[Any]


@dataclass(frozen=True)
class Example:
    text: str
    previous: str
    labels: tuple[str, ...]
    group: str
    source: str  # "authored" or "real"


def authored() -> list[Example]:
    rows = [json.loads(line) for line in AUTHORED.read_text(encoding="utf-8").splitlines() if line]
    return [
        Example(r["text"], r.get("previous", ""), tuple(r["labels"]), f"a:{r['group']}", "authored")
        for r in rows
    ]


def real(split: str = "train") -> list[Example]:
    """Labelled real turns of one split, or [] when ../shared or the loader is absent."""
    try:
        from evals.utterances.load import CorpusMissing, iter_rows
    except ImportError:
        return []
    try:
        return [
            Example(r.text, r.previous, tuple(r.labels), f"d:{r.dialog}", "real")
            for r in iter_rows(splits=(split,))  # type: ignore[arg-type]
        ]
    except CorpusMissing:
        return []


def training_set() -> list[Example]:
    return authored() + real("train")


def version(examples: list[Example]) -> str:
    """The training data's version: counts and a hash of every example, in order."""
    digest = hashlib.sha256()
    for e in examples:
        digest.update(json.dumps([e.text, e.previous, e.labels, e.group]).encode("utf-8"))
    n_real = sum(e.source == "real" for e in examples)
    return f"authored={len(examples) - n_real} real={n_real} sha256={digest.hexdigest()[:16]}"


def targets(examples: list[Example]) -> Array:
    return np.array(
        [[label in e.labels for label in UTTERANCE_LABELS] for e in examples], dtype=np.int8
    )
