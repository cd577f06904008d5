"""agent/kept_bundle.py: a deal version's kept values share one file, written once per request,
and a damaged file loses only what follows the damage."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent import kept_bundle
from agent.kept_bundle import kept_together


def test_a_request_reads_the_file_once_and_writes_it_once_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "deal" / "f1.kept"
    kept_bundle.save(path, "f1.context.a", b'{"x": 1}')  # outside a request: at once
    assert kept_bundle.read(path) == {"f1.context.a": b'{"x": 1}'}
    writes: list[Path] = []
    real = kept_bundle._write
    monkeypatch.setattr(kept_bundle, "_write", lambda p, e: writes.append(p) or real(p, e))
    with kept_together():
        kept_bundle.save(path, "f1.reading.b", b"[1, 2]")
        with kept_together():  # a block inside another is part of it
            kept_bundle.save(path, "f1.reading.b.grounds.c", b'"\\ttab\\nline"')
        assert writes == []
        assert kept_bundle.load(path, "f1.reading.b") == b"[1, 2]"  # seen before it is written
        assert "f1.reading.b" not in kept_bundle.read(path)
    assert writes == [path]
    assert kept_bundle.read(path) == {
        "f1.context.a": b'{"x": 1}',
        "f1.reading.b": b"[1, 2]",
        "f1.reading.b.grounds.c": b'"\\ttab\\nline"',
    }
    with kept_together():  # a request that only reads writes nothing
        assert kept_bundle.load(path, "f1.context.a") == b'{"x": 1}'
    assert writes == [path]


def test_a_cut_or_foreign_file_keeps_what_comes_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "f2.kept"
    values = {f"f2.v{i}.k": f'{{"n": {i}, "text": "line\\nbreak"}}'.encode() for i in range(5)}
    for name, data in values.items():
        kept_bundle.save(path, name, data)
    whole = path.read_bytes()
    assert kept_bundle.parse(whole) == values
    names = list(values)
    for cut in range(len(whole)):
        found = kept_bundle.parse(whole[:cut])
        assert list(found) == names[: len(found)]  # a prefix, each value whole
        assert all(found[n] == values[n] for n in found)
    assert kept_bundle.parse(b"{}") == {}  # not one of ours
    assert kept_bundle.parse(kept_bundle.MAGIC + b"name\tnot a length\n{}\n") == {}
    assert kept_bundle.read(tmp_path / "missing.kept") == {}
