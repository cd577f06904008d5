"""analyze: compute the deal's signals once; every capability reads them. A deal that came
without process standards is read against the knowledge base's default stage model (cited as
that document), as process adherence judges it. A closed deal (won or lost) is said so once,
as a warning every capability's answer carries, since most of them advise on open deals. So is
a workspace of another seller than the shipped knowledge's (knowledge/seller.py)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.analysis.kept import kept_analysis
from agent.analysis.stage import default_process
from agent.contracts.response import Warning
from agent.retrieval import other_seller
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState
from knowledge.seller import shipped_seller


def analyze(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    deal, run = state["deal"], settings(runtime.context)
    fallback = default_process(run) if deal.process is None else None
    analysis = kept_analysis(deal, state["as_of"], state.get("reading"), fallback)
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
