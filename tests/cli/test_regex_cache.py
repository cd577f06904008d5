"""The start-up imports' regular expressions, kept between processes
(agent/interfaces/cli/regex_cache.py): a pattern made from the kept code is the pattern `re`
makes, only what the block compiles is kept, and a damaged or full file costs a compile, never
an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.interfaces.cli import regex_cache

PATTERNS: list[tuple[str | bytes, int]] = [
    (r"\b(?P<amount>\$?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>k|m|bn)?\b", re.IGNORECASE),
    (r"(?<![\w])(?:CFO|chief financial officer)(?![\w])", 0),
    (r"^\s*(\d+)[.)] (?=\S)", re.MULTILINE),
    (r"(?x) a \s+ (b|c)* # a comment", 0),
    (r"(?s:.*\.md)\Z", 0),
    (r"[^\W\d_][\w'’.-]*", 0),
    (rb"\x00(?P<tag>[a-z]{2,})\xff", 0),
    (r"(a)(?(1)b|c)", re.ASCII),
]
TEXTS = ["Owen said $540,000 k by 2026-12-15", "the CFO, Lydia", "1) first\n2. second", "aab c"]


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> regex_cache._Kept:
    """A fresh keeper whose file is in a temporary cache folder; `re`'s own cache emptied so
    every compile reaches it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh = regex_cache._Kept()
    monkeypatch.setattr(regex_cache, "_KEPT", fresh)
    re.purge()
    return fresh


def _compile_all() -> list[re.Pattern[str] | re.Pattern[bytes]]:
    re.purge()
    with regex_cache.kept_while():
        return [re.compile(p, f) for p, f in PATTERNS]


def test_a_kept_pattern_is_the_pattern_re_compiles(
    kept: regex_cache._Kept, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _compile_all()
    assert kept.misses == len(PATTERNS) and kept.hits == 0
    assert kept.path is not None and kept.path.is_file()
    again = regex_cache._Kept()  # a later process: reads the file
    monkeypatch.setattr(regex_cache, "_KEPT", again)
    second = _compile_all()
    assert again.hits == len(PATTERNS) and again.misses == 0
    for (pattern, flags), made, ours in zip(PATTERNS, first, second, strict=True):
        theirs = re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
        assert made == theirs and ours == theirs  # the engine's code, flags and source
        assert (ours.groups, ours.groupindex, ours.flags) == (
            theirs.groups,
            theirs.groupindex,
            theirs.flags,
        )
        for text in TEXTS:
            subject = text.encode() if isinstance(pattern, bytes) else text
            found = [m.group(0) for m in ours.finditer(subject)]  # type: ignore[arg-type]
            assert found == [m.group(0) for m in theirs.finditer(subject)]


def test_only_what_the_block_compiles_is_kept(kept: regex_cache._Kept) -> None:
    re.compile(r"outside the block \d+")
    assert re._compiler.compile is kept.original  # type: ignore[attr-defined]
    _compile_all()
    assert kept.entries is not None
    assert (r"outside the block \d+", 0) not in kept.entries
    assert set(kept.entries) == {(p, f) for p, f in PATTERNS}


def test_a_bad_pattern_fails_as_ever_and_a_damaged_file_is_a_cold_start(
    kept: regex_cache._Kept, monkeypatch: pytest.MonkeyPatch
) -> None:
    with regex_cache.kept_while(), pytest.raises(re.error, match="missing \\)"):
        re.compile(r"(unclosed")
    _compile_all()
    assert kept.path is not None
    kept.path.write_bytes(b"\x00not marshal data")
    again = regex_cache._Kept()
    monkeypatch.setattr(regex_cache, "_KEPT", again)
    assert [p.pattern for p in _compile_all()] == [p for p, _ in PATTERNS]
    assert again.misses == len(PATTERNS)
    wrong = regex_cache._Kept()  # kept code the engine rejects: compiled as ever
    monkeypatch.setattr(regex_cache, "_KEPT", wrong)
    entries = wrong.load()
    for key in entries:
        entries[key] = (0, b"\xff" * 8, 0, {}, (None,))
    assert _compile_all()[0].search("by 540 k") is not None
    assert wrong.misses == len(PATTERNS)


def test_the_least_recently_used_go_first_past_the_bound(
    kept: regex_cache._Kept, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regex_cache, "MAX_KEPT", 3)
    _compile_all()
    assert kept.entries is not None
    assert list(kept.entries) == [(p, f) for p, f in PATTERNS[-3:]]
