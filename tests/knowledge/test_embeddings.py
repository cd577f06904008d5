"""The ONNX graph reproduces the plain numpy forward pass, and the vectors make sense."""

from __future__ import annotations

import numpy as np

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
