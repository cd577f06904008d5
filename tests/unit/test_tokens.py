"""tiktoken works offline from the bundled encodings, with tiktoken's own hash checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from agent.model import tokens


def test_seeding_writes_the_file_tiktoken_expects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    path = tokens.seed_encoding("cl100k_base")
    assert path.parent == tmp_path
    url = tokens.BLOB_URL.format(name="cl100k_base")
    assert path.name == hashlib.sha1(url.encode()).hexdigest()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == tokens.EXPECTED_SHA256["cl100k_base"]


def test_real_tiktoken_counts_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tiktoken.load

    def no_network(url: str) -> bytes:
        raise AssertionError(f"tried to download {url}")

    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    tokens.encoding.cache_clear()
    try:
        assert tokens.count_tokens("hello world") == 2
        assert tokens.count_tokens("Ask for the business 🤝 今天") > 5
    finally:
        tokens.encoding.cache_clear()


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="no offline copy"):
        tokens.seed_encoding("r50k_base")
