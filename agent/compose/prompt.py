"""The composer's prompt for one capability request: prompts/composer.md with the capability's
guidance (prompts/<capability>.md, else prompts/capability_default.md), the deal facts, the
evidence that fits the token budget, and the draft's prose view (prose.py). Counted with
tiktoken, tool schema included."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from langchain_core.prompt_values import PromptValue
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel

from agent.compose.evidence import Evidence, deal_facts, gather, trim
from agent.compose.prose import prose_of, prose_schema
from agent.contracts.context import DealContext
from agent.contracts.request import CoachingRequest
from agent.model.fence import neutralise
from agent.model.prompts import PROMPTS_DIR, load_prompt
from agent.model.tokens import count_tokens
from knowledge.documents import Document

DEFAULT_GUIDANCE = "capability_default"
MESSAGE_TOKENS = 8  # chat-format overhead per message, rounded up


@dataclass(frozen=True)
class PromptPlan:
    prompt: PromptValue
    prompt_tokens: int  # estimated: messages plus the tool schema
    budget: int
    kept: list[Evidence]
    dropped: list[Evidence]

    @property
    def fits(self) -> bool:
        return self.prompt_tokens <= self.budget


@lru_cache(maxsize=32)
def guidance(capability: str) -> str:
    """The capability's own instructions; a capability without a file gets the generic ones."""
    path = PROMPTS_DIR / f"{capability}.md"
    if not path.is_file():
        path = PROMPTS_DIR / f"{DEFAULT_GUIDANCE}.md"
    return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=32)
def schema_tokens(schema: type[BaseModel]) -> int:
    """What the tool definition costs in the prompt."""
    return count_tokens(json.dumps(convert_to_openai_tool(schema)))


def _render(
    capability: str,
    facts: str,
    draft_json: str,
    evidence: Sequence[Evidence],
    findings: Sequence[str],
) -> tuple[PromptValue, int]:
    value = load_prompt("composer").invoke(
        {
            "capability": capability,
            "guidance": guidance(capability),
            "facts": facts,
            "evidence": [{"ref": e.ref, "text": e.text} for e in evidence],
            "draft": draft_json,
            "findings": [neutralise(f) for f in findings],
        }
    )
    messages = value.to_messages()
    tokens = sum(count_tokens(str(m.content)) + MESSAGE_TOKENS for m in messages)
    return value, tokens


def plan_prompt(
    draft: BaseModel,
    ctx: DealContext,
    request: CoachingRequest,
    docs: Mapping[str, Document],
    as_of: str,
    budget: int,
    findings: Sequence[str] = (),
) -> PromptPlan:
    """The prompt with as much evidence as the budget allows, lowest priority trimmed first."""
    capability = str(getattr(draft, "kind", "capability"))
    facts = deal_facts(ctx, as_of)
    prose = prose_of(draft)
    draft_json = neutralise(prose.model_dump_json(exclude_none=True) if prose else "{}")
    schema = prose_schema(type(draft))
    tool = schema_tokens(schema) if schema else 0
    _, fixed = _render(capability, facts, draft_json, [], findings)
    items = gather(draft, ctx, request, docs)
    kept, dropped = trim(items, max(budget - fixed - tool, 0))
    value, tokens = _render(capability, facts, draft_json, kept, findings)
    return PromptPlan(value, tokens + tool, budget, kept, dropped)
