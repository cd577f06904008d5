"""analyze: compute the deal's signals once; every capability reads them. A deal that came
without process standards is read against the knowledge base's default stage model (cited as
that document), as process adherence judges it. A closed deal (won or lost) is said so once,
as a warning every capability's answer carries, since most of them advise on open deals. So is
a workspace of another seller than the shipped knowledge's (knowledge/seller.py)."""

from __future__ import annotations

import hashlib
from typing import Any

from langgraph.runtime import Runtime
from pydantic_core import to_json

from agent.analysis import analyze_deal
from agent.analysis.model import Analysis
from agent.analysis.stage import ProcessInView, default_process
from agent.contracts.response import Warning
from agent.memo import PerObject
from agent.retrieval import other_seller
from agent.settings import CoachContext, settings
from agent.state import CoachState
from knowledge.seller import shipped_seller


def analyze(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    deal, run = state["deal"], settings(runtime.context)
    fallback = default_process(run) if deal.process is None else None
    reading, as_of = state.get("reading"), state["as_of"]
    key = (as_of, id(reading), _stages(fallback))  # the kept analysis holds `reading` alive
    analysis = _ANALYSES.get(deal, key, lambda: analyze_deal(deal, as_of, reading, fallback))
    closure = analysis.closure
    warnings = (
        [
            Warning(
                code="closed_deal",
                ref=closure.ref,
                message=f"{closure.reason}: advice for an open deal does not apply to it",
            )
        ]
        if closure
        else []
    )
    if (seller := other_seller(run)) is not None:
        warnings.append(_other_seller(seller, run))
    return {"analysis": analysis, "warnings": warnings}


# One analysis per context object, day, reading and default stage model (agent/memo.py): a
# workspace hands out the same context while the deal's files are unchanged, and the read step
# the same reading, so a warm request about a deal of thousands of activities does not analyse
# it again. The analysis is never changed in place downstream.
_ANALYSES: PerObject[Analysis] = PerObject(maxsize=16)


def _stages(process: ProcessInView | None) -> tuple[str | None, bytes] | None:
    """The default stage model by its document and content (it is validated per request)."""
    if process is None:
        return None
    return process.doc_id, hashlib.blake2b(to_json(process.standard), digest_size=16).digest()


def _other_seller(seller: str, run: CoachContext) -> Warning:
    shipped = shipped_seller()
    own = len(run.knowledge_dirs) > 1
    return Warning(
        code="knowledge_scope",
        ref="workspace.seller",
        message=f"the shipped knowledge is {_of(shipped.seller)}, not {_of(seller)}: its proof "
        f"points and battle cards are left out, and its scripts name its products "
        f"({', '.join(shipped.products)}), not yours"
        + ("" if own else "; add your own knowledge folder with COACH_KNOWLEDGE_DIRS"),
    )


def _of(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"
