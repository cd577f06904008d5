"""The same MiniLM forward pass as knowledge.embeddings, as an ONNX graph built locally from
the safetensors weights and run by onnxruntime (already a chromadb dependency): about 2-3x
faster than numpy on these CPUs. Built once into the user's cache; nothing is downloaded.
The graph is built already fused, so onnxruntime's own optimiser has almost nothing left to do
when a session opens (about 0.1 s): keeping its optimised copy as well would save nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from agent.files import write_atomic
from agent.resources import cache_dir

OPSET = 17
CONTRIB = "com.microsoft"  # onnxruntime's own fused operators
# Names the graph build_model writes: a cached graph of another build is never loaded.
GRAPH = "fused-2"
# What a padded position adds to the attention scores (the numpy reference's value).
MASKED = -1e9


def _cache_path(folder: Path) -> Path:
    stat = (folder / "model.safetensors").stat()
    stamp = f"{stat.st_size}-{stat.st_mtime_ns}-{OPSET}-{GRAPH}"
    key = hashlib.sha1(stamp.encode()).hexdigest()[:12]
    return cache_dir() / "onnx" / f"minilm-{key}.onnx"


# Graphs kept besides the newest: each install (a wheel in a fresh venv, another checkout) has
# its own weights file, so its own key; without a bound every install leaves 90 MB behind.
KEEP_OTHERS = 2


def _forget_old_graphs(newest: Path) -> None:
    """Removes all but the most recently built graphs. A process still using a removed one
    keeps its open copy (POSIX), and another install missing its graph builds it again in a
    second: a cache, so nothing here may fail the caller."""
    try:
        others = [p for p in newest.parent.glob("minilm-*.onnx") if p != newest]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[KEEP_OTHERS:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def build_model(folder: Path) -> bytes:
    """A BERT encoder graph: embeddings, N layers, last hidden state (pooling stays in numpy).

    Each layer is onnxruntime's fused operators (domain com.microsoft), written out here rather
    than left to its optimiser, which does not recognise this graph's attention or GELU:
    `Attention` (Q, K and V in one matrix product, the padding mask applied inside)
    and `BiasGelu` (bias and the exact erf GELU). The same arithmetic as the numpy reference,
    in fewer passes over memory (the vectors agree within 3e-7)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    config = json.loads((folder / "config.json").read_text())
    heads, layers = int(config["num_attention_heads"]), int(config["num_hidden_layers"])
    hidden = int(config["hidden_size"])
    eps = float(config["layer_norm_eps"])
    w = load_file(str(folder / "model.safetensors"))
    inits: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, array: np.ndarray[Any, Any]) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op: str, inputs: list[str], name: str, fused: bool = False, **attrs: Any) -> str:
        domain = CONTRIB if fused else ""
        nodes.append(helper.make_node(op, inputs, [name], name=name, domain=domain, **attrs))
        return name

    def matmul(x: str, prefix: str, out: str) -> str:
        return node("MatMul", [x, const(prefix + ".wT", w[prefix + ".weight"].T)], out)

    def add_norm(x: str, residual: str, prefix: str, out: str) -> str:
        """LayerNorm(residual + x @ W + b) of a sublayer whose dense is `prefix`. Written as
        Add and LayerNormalization: onnxruntime's fused SkipLayerNormalization is several
        times slower on CPU (1.32), so the session does not fuse them either."""
        norm = prefix.removesuffix("dense") + "LayerNorm"
        dense = node(
            "Add",
            [matmul(x, prefix, out + "_mm"), const(prefix + ".b", w[prefix + ".bias"])],
            out + "_dense",
        )
        return node(
            "LayerNormalization",
            [
                node("Add", [dense, residual], out + "_res"),
                const(norm + ".g", w[norm + ".weight"]),
                const(norm + ".beta", w[norm + ".bias"]),
            ],
            out,
            axis=-1,
            epsilon=eps,
        )

    def embedding(table: str, ids: str) -> str:
        return node("Gather", [const(table, w[f"embeddings.{table}.weight"]), ids], "e_" + table)

    summed = node(
        "Add",
        [
            node(
                "Add",
                [
                    embedding("word_embeddings", "input_ids"),
                    embedding("position_embeddings", "position_ids"),
                ],
                "e_sum",
            ),
            embedding("token_type_embeddings", "token_type_ids"),
        ],
        "e_all",
    )
    x = node(
        "LayerNormalization",
        [
            summed,
            const("embeddings.LayerNorm.g", w["embeddings.LayerNorm.weight"]),
            const("embeddings.LayerNorm.beta", w["embeddings.LayerNorm.bias"]),
        ],
        "x0",
        axis=-1,
        epsilon=eps,
    )
    for i in range(layers):
        p = f"encoder.layer.{i}."
        qkv = [p + f"attention.self.{n}" for n in ("query", "key", "value")]
        context = node(
            "Attention",
            [
                x,
                const(p + "qkv.wT", np.concatenate([w[n + ".weight"].T for n in qkv], axis=1)),
                const(p + "qkv.b", np.concatenate([w[n + ".bias"] for n in qkv])),
                "attention_mask",
            ],
            f"l{i}_ctx",
            fused=True,
            num_heads=heads,
            mask_filter_value=MASKED,
        )
        x = add_norm(context, x, p + "attention.output.dense", f"l{i}_x1")
        inner = node(
            "BiasGelu",
            [
                matmul(x, p + "intermediate.dense", f"l{i}_inner"),
                const(p + "intermediate.dense.b", w[p + "intermediate.dense.bias"]),
            ],
            f"l{i}_gelu",
            fused=True,
        )
        x = add_norm(inner, x, p + "output.dense", f"x{i + 1}")
    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    ints = [
        helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
        for n in ("input_ids", "position_ids", "token_type_ids")
    ]
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT32, ["batch", "seq"])
    output = helper.make_tensor_value_info(
        "last_hidden_state", TensorProto.FLOAT, ["batch", "seq", hidden]
    )
    graph = helper.make_graph(nodes, "minilm", [*ints, mask], [output], initializer=inits)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(CONTRIB, 1)],
        producer_name="sales-coach",
    )
    onnx.checker.check_model(model)
    return bytes(model.SerializeToString())


def onnx_session(folder: Path, threads: int = 0) -> Any:
    """Loads the cached graph, building it (about a second) on first use."""
    import onnxruntime as ort

    path = _cache_path(folder)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, build_model(folder))
        _forget_old_graphs(path)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    # Batches differ in shape; an arena and per-shape memory plans keep the largest batch's
    # memory (and more) for the whole run. Without them what a batch uses is freed after it.
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    # The graph comes fused; the extended level would only turn Add + LayerNormalization back
    # into SkipLayerNormalization, the slow kernel (about 10 % of a cold ingest's CPU).
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    # `threads` 1 for bulk embedding: splitting each operator of a small batch across cores
    # costs a hand-over per operator (10-15 % more CPU on 2 cores), so knowledge.embeddings
    # runs whole batches side by side instead. 0 (onnxruntime's choice, a thread per core)
    # for queries, which are answered one at a time. Idle threads sleep, never spin.
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
