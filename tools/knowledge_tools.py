"""`search_knowledge`: the typed tool over the knowledge index (methodology, objections, battle
cards, plays, process standards, proof points, skills), returning citable passages."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, Field

from agent.errors import CoachError
from knowledge.retriever import KnowledgeIndex, Mode, SearchFilters


class SearchKnowledgeArgs(BaseModel):
    query: str = Field(description="What you need, in plain words, e.g. 'CFO says no budget'.")
    k: int = Field(default=5, ge=1, le=20, description="How many passages to return.")
    type: list[str] = Field(
        default_factory=list,
        description=(
            "Only these types: methodology, objection, battle_card, play, process, proof_point, "
            "skill."
        ),
    )
    stage: str | None = Field(
        default=None,
        description=(
            "Only passages for this phase: qualify, discover, solution, proposal, negotiate."
        ),
    )
    competitor: str | None = Field(default=None, description="Only about this competitor.")
    methodology: str | None = Field(default=None, description="e.g. MEDDICC, SPIN.")
    persona: str | None = Field(default=None, description="e.g. economic_buyer, procurement.")
    mode: Mode = Field(default="hybrid")


def build_knowledge_tool(index: KnowledgeIndex) -> BaseTool:
    def search_knowledge(
        query: str,
        k: int = 5,
        type: list[str] | None = None,  # noqa: A002
        stage: str | None = None,
        competitor: str | None = None,
        methodology: str | None = None,
        persona: str | None = None,
        mode: Mode = "hybrid",
    ) -> list[dict[str, Any]]:
        filters = SearchFilters(
            type=type or [],
            stage=stage,
            competitor=competitor,
            methodology=methodology,
            persona=persona,
        )
        try:
            passages = index.search(query, k=k, filters=filters, mode=mode)
        except CoachError as exc:
            raise ToolException(str(exc)) from None
        return [p.model_dump() for p in passages]

    return StructuredTool.from_function(
        search_knowledge,
        name="search_knowledge",
        args_schema=SearchKnowledgeArgs,
        description=(
            "Search the coaching knowledge base. Each passage has a `ref` "
            "(kb:<doc>#<section>) to cite."
        ),
        handle_tool_error=True,
    )
