"""The knowledge's ordinary words are kept on disk per fingerprint of the knowledge files
(agent/grounding/vocabulary.py): the kept list is exactly what reading the corpus gives, a
changed file is read again, and a damaged or unwritable cache only costs the read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agent.grounding import vocabulary
from agent.resources import knowledge_dir
from knowledge.corpus import corpus


@pytest.fixture
def knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def _read(folder: Path) -> set[str]:
    words: set[str] = set()
    for doc in corpus((folder,)).docs.values():
        for section in doc.sections:
            words.update(vocabulary._WORD.findall(section.heading + " " + section.text))
    return words


def _refuse_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the corpus was read although its words were kept")

    monkeypatch.setattr("knowledge.corpus.corpus", refuse)


def test_kept_words_are_the_corpus_words_and_a_second_start_reads_no_corpus(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = vocabulary.knowledge_words(knowledge)
    assert first == _read(knowledge) and len(first) > 1000
    _refuse_reading(monkeypatch)
    assert vocabulary.knowledge_words(knowledge) == first


def test_a_changed_knowledge_file_is_read_again(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = vocabulary.knowledge_words(knowledge)
    play = sorted((knowledge / "plays").glob("*.md"))[0]
    play.write_text(play.read_text(encoding="utf-8") + "\nA quokkaword appears.\n", "utf-8")
    corpus.cache_clear()  # as a new process: the corpus itself is read once per process
    after = vocabulary.knowledge_words(knowledge)
    assert after - before == {"quokkaword"} and after == _read(knowledge)


def test_a_damaged_or_unwritable_cache_costs_only_the_read(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = vocabulary.knowledge_words(knowledge)
    (kept,) = (tmp_path / "cache" / "sales-coach" / vocabulary.KEPT).glob("*.json")
    kept.write_text('["only", "these"', encoding="utf-8")  # cut short
    assert vocabulary.knowledge_words(knowledge) == words
    assert json.loads(kept.read_text(encoding="utf-8")) == sorted(words)  # written again
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert vocabulary.knowledge_words(knowledge) == words


def test_the_code_that_reads_the_knowledge_is_part_of_the_fingerprint(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import knowledge.documents as documents

    before = vocabulary._fingerprint(knowledge)
    changed = tmp_path / "documents.py"
    changed.write_bytes(Path(str(documents.__file__)).read_bytes() + b"# sections read otherwise\n")
    monkeypatch.setattr(documents, "__file__", str(changed))
    assert vocabulary._fingerprint(knowledge) != before
