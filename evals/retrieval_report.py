"""Retrieval quality: recall@k and MRR of lexical, vector and hybrid search on authored cases.

    python -m evals.retrieval_report [--k 5] [--out bench-results/retrieval.json]

Each case in evals/retrieval/cases.yaml names the documents (or exact sections) that answer a
question; a hit is any returned passage from one of them. Needs `coach kb ingest` first.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.resources import evals_dir
from knowledge.retriever import KnowledgeIndex, Mode, Passage, SearchFilters

CASES = evals_dir() / "retrieval" / "cases.yaml"
MODES: tuple[Mode, ...] = ("lexical", "vector", "hybrid")
MRR_DEPTH = 10


class RetrievalCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    query: str
    expect_docs: list[str] = Field(default_factory=list)
    expect_refs: list[str] = Field(default_factory=list)
    filters: SearchFilters = Field(default_factory=SearchFilters)
    note: str | None = None

    def hit(self, passage: Passage) -> bool:
        return passage.doc_id in self.expect_docs or passage.ref in self.expect_refs


def load_cases(path: Path = CASES) -> list[RetrievalCase]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [RetrievalCase.model_validate({**c, "filters": c.get("filters") or {}}) for c in raw]


def evaluate(index: KnowledgeIndex, cases: list[RetrievalCase], k: int = 5) -> dict[str, Any]:
    kinds = {doc_id: str(doc.meta["type"]) for doc_id, doc in index.documents().items()}
    report: dict[str, Any] = {"k": k, "cases": len(cases), "modes": {}}
    for mode in MODES:
        recall = 0.0
        mrr = 0.0
        by_type: dict[str, list[float]] = defaultdict(list)
        misses = []
        for case in cases:
            found = index.search(case.query, k=max(k, MRR_DEPTH), filters=case.filters, mode=mode)
            rank = next((i + 1 for i, p in enumerate(found) if case.hit(p)), None)
            in_top_k = rank is not None and rank <= k
            recall += in_top_k
            mrr += 1.0 / rank if rank else 0.0
            target = (
                case.expect_docs or [r.removeprefix("kb:").split("#")[0] for r in case.expect_refs]
            )[0]
            by_type[kinds.get(target, "unknown")].append(float(in_top_k))
            if not in_top_k:
                misses.append(
                    {"id": case.id, "query": case.query, "got": [p.ref for p in found[:3]]}
                )
        report["modes"][mode] = {
            f"recall@{k}": round(recall / len(cases), 3),
            f"mrr@{MRR_DEPTH}": round(mrr / len(cases), 3),
            "recall_by_type": {t: round(sum(v) / len(v), 3) for t, v in sorted(by_type.items())},
            "misses": misses,
        }
    return report


def markdown(report: dict[str, Any]) -> str:
    k = report["k"]
    lines = [
        f"# Retrieval report ({report['cases']} cases)",
        "",
        f"| mode | recall@{k} | MRR@{MRR_DEPTH} |",
        "|---|---|---|",
    ]
    for mode, r in report["modes"].items():
        lines.append(f"| {mode} | {r[f'recall@{k}']:.3f} | {r[f'mrr@{MRR_DEPTH}']:.3f} |")
    hybrid = report["modes"]["hybrid"]
    lines += ["", f"Hybrid recall@{k} by document type:", ""]
    lines += [f"- {t}: {v:.3f}" for t, v in hybrid["recall_by_type"].items()]
    if hybrid["misses"]:
        lines += ["", "Hybrid misses:", ""]
        lines += [f"- {m['id']} '{m['query']}' -> {', '.join(m['got'])}" for m in hybrid["misses"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    from agent.retrieval import index_for
    from agent.settings import CoachContext

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--out", type=Path, default=Path("bench-results/retrieval.json"))
    args = parser.parse_args()
    report = evaluate(index_for(CoachContext.from_env()), load_cases(args.cases), args.k)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(markdown(report))
    print(markdown(report).split("\nHybrid misses")[0])


if __name__ == "__main__":
    main()
