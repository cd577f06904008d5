"""Knowledge benchmark (a script, not a timed test): ingest and query latency.

    python -m evals.bench_knowledge [--out bench-results/knowledge.json]

Targets (issue 3): cold full ingest of the shipped content under 30 s; re-ingest with nothing
changed under 2 s; warm hybrid query median under 15 ms, on 2 cores.
"""

from __future__ import annotations

import argparse
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


def _ingest_in_subprocess(root: Path) -> float:
    """A fresh process, as a user runs it: imports, model load and embedding all count."""
    code = (
        "from pathlib import Path; from knowledge.ingest import ingest; "
        f"ingest(root=Path({str(root)!r}))"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    from evals.retrieval_report import load_cases
    from knowledge.retriever import KnowledgeIndex

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results/knowledge.json"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, Any] = {"cores": os.cpu_count(), "targets": TARGETS}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "index"
        results["cold_ingest_s"] = round(_ingest_in_subprocess(root), 2)
        results["noop_ingest_s"] = round(
            statistics.median(_ingest_in_subprocess(root) for _ in range(args.repeats)), 3
        )
        index = KnowledgeIndex(root)
        queries = [c.query for c in load_cases()]
        for mode in ("lexical", "vector", "hybrid"):
            index.search("warm up the model and the store", mode=mode)
            index._cache.clear()
            times = []
            for q in queries:
                start = time.perf_counter()
                index.search(q, k=5, mode=mode)
                times.append((time.perf_counter() - start) * 1000)
            index._cache.clear()
            results[f"{mode}_query_median_ms"] = round(statistics.median(times), 2)
            results[f"{mode}_query_p95_ms"] = round(sorted(times)[int(0.95 * len(times))], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    for key, value in results.items():
        if key not in ("targets",):
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
