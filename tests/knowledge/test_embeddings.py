"""The ONNX graph reproduces the plain numpy forward pass, and the vectors make sense."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from knowledge.embeddings import MiniLM, minilm

SENTENCES = [
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The new movie is awesome.",
    "A man is riding a horse.",
    "Procurement wants an eighteen percent discount before signing.",
]


def test_onnx_matches_numpy_reference() -> None:
    fast = minilm().embed(SENTENCES)
    reference = MiniLM(backend="numpy").embed(SENTENCES)
    assert fast.shape == (5, 384)
    assert float(np.abs(fast - reference).max()) < 1e-5


def test_vectors_are_unit_length_and_semantic() -> None:
    v = minilm().embed(SENTENCES)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert abs(float(v[0] @ v[1]) - 0.755) < 0.01  # the published reference pair
    assert float(v[0] @ v[2]) < 0.3


def test_batches_are_bounded_by_tokens_and_cover_every_text() -> None:
    from knowledge.embeddings import BATCH_TOKENS, MAX_BATCH, batches

    lengths = [3, 200, 7, 50, 200, 9, 120, 4, 1000] + [5] * 300
    cut = batches(lengths)
    assert sorted(i for b in cut for i in b) == list(range(len(lengths)))
    for batch in cut:
        longest = max(lengths[i] for i in batch)
        assert len(batch) <= MAX_BATCH
        assert len(batch) == 1 or longest * len(batch) <= BATCH_TOKENS  # padded tokens
    flat = [lengths[i] for b in cut for i in b]
    assert flat == sorted(flat)  # similar lengths together: little padding


def test_a_text_embeds_the_same_alone_or_in_any_batch() -> None:
    """Padding to a batch's longest text is masked: the vector does not depend on the batch."""
    long = " ".join(SENTENCES * 8)
    together = minilm().embed([*SENTENCES, long])
    for i, text in enumerate([*SENTENCES, long]):
        alone = minilm().embed([text])[0]
        assert float(np.abs(alone - together[i]).max()) < 1e-5


def test_batches_side_by_side_give_the_vectors_of_one_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Batches run on several threads at once; each row still lands in its own place."""
    from knowledge import embeddings

    texts = [f"{s} ({n} times)" * (1 + n % 7) for n, s in enumerate(SENTENCES * 12)]
    monkeypatch.setattr(embeddings, "BATCH_TOKENS", 64)  # many small batches
    one = minilm().embed(texts)  # the query model: one batch after another
    bulk = embeddings.bulk_minilm()
    assert bulk is minilm()  # a process with the model loaded keeps using it
    minilm.cache_clear()
    bulk = embeddings.bulk_minilm()
    assert bulk.threads == 1 and minilm.cache_info().currsize == 0
    monkeypatch.setattr(embeddings.os, "sched_getaffinity", lambda _: {0, 1, 2, 3})
    threads: set[int] = set()
    encode = embeddings.MiniLM._encode_batch

    def spied(self: embeddings.MiniLM, encodings: list[object]) -> np.ndarray:
        threads.add(threading.get_ident())
        return encode(self, encodings)

    monkeypatch.setattr(embeddings.MiniLM, "_encode_batch", spied)
    done: list[int] = []
    several = bulk.embed(texts, on_batch=done.append)
    assert len(threads) > 1
    assert float(np.abs(several - one).max()) < 1e-6
    assert done == sorted(done) and done[-1] == len(texts)  # progress only grows
