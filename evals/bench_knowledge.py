"""Knowledge benchmark (a script, not a timed test): ingest and query latency.

    python -m evals.bench_knowledge [--out bench-results/knowledge.json] [--server]

Targets (issue 3): cold full ingest of the shipped content under 30 s; re-ingest with nothing
changed under 2 s; warm hybrid query median under 15 ms, on 2 cores.

`--server` measures the same again with the index on a Chroma server on loopback
(COACH_CHROMA_URL; evals/chroma_server.py starts one), in the same run: the ingests one after
the other, the queries alternating between the two indexes, and the ratios server / local.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGETS = {"cold_ingest_s": 30.0, "noop_ingest_s": 2.0, "hybrid_query_median_ms": 15.0}


def _ingest_in_subprocess(root: Path, chroma_url: str | None = None) -> float:
    """A fresh process, as a user runs it: imports, model load and embedding all count."""
    code = (
        "from pathlib import Path; from knowledge.ingest import ingest; "
        f"ingest(root=Path({str(root)!r}), chroma_url={chroma_url!r})"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def _ingests(root: Path, repeats: int, chroma_url: str | None = None) -> dict[str, float]:
    cold = _ingest_in_subprocess(root, chroma_url)
    noop = statistics.median(_ingest_in_subprocess(root, chroma_url) for _ in range(repeats))
    return {"cold_ingest_s": round(cold, 2), "noop_ingest_s": round(noop, 3)}


def _queries(indexes: dict[str, Any]) -> dict[str, float]:
    """Median and p95 per mode and index, each query run on every index in turn."""
    from evals.retrieval_report import load_cases

    queries = [c.query for c in load_cases()]
    found: dict[str, float] = {}
    for mode in ("lexical", "vector", "hybrid"):
        times: dict[str, list[float]] = {name: [] for name in indexes}
        for index in indexes.values():
            index.search("warm up the model and the store", mode=mode)
            index._cache.clear()
        for q in queries:
            for name, index in indexes.items():
                start = time.perf_counter()
                index.search(q, k=5, mode=mode)
                times[name].append((time.perf_counter() - start) * 1000)
        for name, index in indexes.items():
            index._cache.clear()
            prefix = "" if name == "local" else f"{name}_"
            ordered = sorted(times[name])
            found[f"{prefix}{mode}_query_median_ms"] = round(statistics.median(ordered), 2)
            found[f"{prefix}{mode}_query_p95_ms"] = round(ordered[int(0.95 * len(ordered))], 2)
    return found


def main() -> None:
    from knowledge.retriever import KnowledgeIndex

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results/knowledge.json"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--server", action="store_true", help="also on a Chroma server on loopback, compared"
    )
    args = parser.parse_args()
    results: dict[str, Any] = {"cores": os.cpu_count(), "targets": TARGETS}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        root = Path(tmp) / "index"
        results.update(_ingests(root, args.repeats))
        indexes = {"local": KnowledgeIndex(root)}
        if args.server:
            from evals.chroma_server import chroma_server

            url = stack.enter_context(chroma_server(Path(tmp) / "chroma"))
            served = _ingests(Path(tmp) / "server-index", args.repeats, url)
            results.update({f"server_{k}": v for k, v in served.items()})
            indexes["server"] = KnowledgeIndex(Path(tmp) / "server-index", chroma_url=url)
        results.update(_queries(indexes))
    if args.server:
        for key in [k for k in results if k.startswith("server_")]:
            local = results[key.removeprefix("server_")]
            results[f"ratio_{key.removeprefix('server_')}"] = round(results[key] / local, 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    for key, value in results.items():
        if key not in ("targets",):
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
