"""The cache of built ONNX graphs stays bounded: each install has its own key, so without
pruning every fresh install (the wheel test, another checkout) left 90 MB behind."""

from __future__ import annotations

import os
from pathlib import Path

from knowledge.onnx_model import KEEP_OTHERS, _forget_old_graphs


def test_only_the_newest_graphs_stay(tmp_path: Path) -> None:
    graphs = []
    for age in range(6):
        path = tmp_path / f"minilm-{age:012d}.onnx"
        path.write_bytes(b"graph")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))  # age 0 is the most recent
        graphs.append(path)
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("kept")
    newest = tmp_path / "minilm-newest000.onnx"
    newest.write_bytes(b"graph")

    _forget_old_graphs(newest)

    left = sorted(p.name for p in tmp_path.glob("minilm-*.onnx"))
    assert left == sorted([newest.name, *(g.name for g in graphs[:KEEP_OTHERS])])
    assert unrelated.exists()


def test_a_missing_folder_is_not_an_error(tmp_path: Path) -> None:
    _forget_old_graphs(tmp_path / "gone" / "minilm-x.onnx")
