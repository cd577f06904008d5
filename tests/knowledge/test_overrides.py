"""A user knowledge folder overrides shipped documents only in the open, and one malformed
file never breaks the index or the other documents."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from agent.errors import InvalidInput
from knowledge.corpus import load_corpus
from knowledge.ingest import ingest
from knowledge.retriever import KnowledgeIndex
from knowledge.store import IndexStore


def _user_folder(base: Path, tmp_path: Path) -> Path:
    user = tmp_path / "user"
    user.mkdir()
    text = (base / "obj-price.md").read_text(encoding="utf-8")
    (user / "cheaper.md").write_text(text.replace("Your price is too high", "Ours"), "utf-8")
    return user


def test_an_override_is_listed_warned_and_reported_by_ingest(
    small_kb: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    user = _user_folder(small_kb, tmp_path)
    corpus = load_corpus((small_kb, user))
    assert [o.id for o in corpus.overrides] == ["obj-price"]
    line = corpus.overrides[0].describe(corpus.folders)
    assert line == "user/cheaper.md overrides shipped obj-price.md"
    with caplog.at_level(logging.WARNING, logger="knowledge"):
        report = ingest((small_kb, user), tmp_path / "index")
    assert report.overrides == (line,)
    assert any(line in r.getMessage() for r in caplog.records)
    assert load_corpus((small_kb,)).overrides == ()  # no user folder, nothing to list


def test_a_repeated_heading_in_a_user_file_is_left_out_with_its_line(
    small_kb: Path, tmp_path: Path
) -> None:
    user = _user_folder(small_kb, tmp_path)
    broken = user / "broken.md"
    text = (small_kb / "obj-security.md").read_text(encoding="utf-8")
    text = text.replace("id: obj-security", "id: obj-security-ours")
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    broken.write_text(text + f"\n{heading}\nAgain.\n", encoding="utf-8")
    repeat_line = len((text + "\n").splitlines()) + 1
    report = ingest((small_kb, user), tmp_path / "index")
    assert len(report.skipped) == 1
    assert f"broken.md:{repeat_line}: heading '{heading[3:]}' repeats" in report.skipped[0]
    assert report.documents == 3  # the other documents, the override included
    index = KnowledgeIndex(tmp_path / "index", (small_kb, user))
    assert index.search("security review", k=1)[0].doc_id == "obj-security"


def test_bad_front_matter_in_a_user_file_names_the_line_and_is_left_out(
    small_kb: Path, tmp_path: Path
) -> None:
    user = _user_folder(small_kb, tmp_path)
    (user / "dated.md").write_text(
        "---\nid: a-skill\ntype: skill\ntitle: T\nlast: 2026-02-30\n---\n## A\nB\n", "utf-8"
    )
    corpus = load_corpus((small_kb, user))
    assert "a-skill" not in corpus.docs and len(corpus.skipped) == 1
    assert "dated.md:5: front matter" in corpus.skipped[0]
    assert "2026-02-30" in corpus.skipped[0]


def test_a_repeated_heading_in_the_shipped_folder_stops_before_the_index(
    small_kb: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    good = ingest((small_kb,), root)
    path = small_kb / "obj-price.md"
    text = path.read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    path.write_text(text + f"\n{heading}\nAgain.\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"obj-price.md:\d+: heading .* repeats"):
        ingest((small_kb,), root)
    assert IndexStore(root).current_version == good.version
