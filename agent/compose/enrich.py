"""One model pass over a grounded draft, at most one repair, and a fallback that never fails.

1. Plan the prompt within the token budget; flag evidence that reads like injected instructions.
2. Ask for the draft's prose view back through structured output (prose.py: the result's
   text fields in the result's own shape; `include_raw` for the usage counts).
3. Merge: the model's free text onto the draft's structure (prose.py, merge.py), then the
   grounding checker; the result keeps the capability's full schema. Passed: the merged
   result is the answer.
4. Failed (ungrounded text or output that does not match the schema): one repair call carrying
   the checker's findings. Failed again, or any error (timeout, unreachable endpoint, rejected
   key): the draft, with one `model_fallback` warning saying what happened.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from pydantic import BaseModel

from agent.compose.prompt import PromptPlan, plan_prompt
from agent.compose.prose import apply_prose, prose_schema
from agent.contracts.context import DealContext
from agent.contracts.request import CoachingRequest
from agent.contracts.response import Composition, Warning
from agent.grounding.checker import GroundingChecker
from agent.model.factory import ModelSettings, describe_error
from agent.model.fence import suspected_injections
from agent.model.tokens import count_tokens
from knowledge.documents import KB_PREFIX, Document

MAX_CALLS = 2
MAX_FINDINGS = 8
log = logging.getLogger(__name__)


@dataclass
class Outcome:
    result: BaseModel
    composition: Composition
    warnings: list[Warning] = field(default_factory=list)
    model_seconds: float = 0.0


@dataclass
class _Tally:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def count(self, raw: Any, plan: PromptPlan) -> None:
        usage = getattr(raw, "usage_metadata", None) if isinstance(raw, AIMessage) else None
        if usage:
            self.prompt_tokens += int(usage.get("input_tokens", 0))
            self.completion_tokens += int(usage.get("output_tokens", 0))
            return
        self.prompt_tokens += plan.prompt_tokens  # no usage reported: count with tiktoken
        if isinstance(raw, AIMessage):
            args = [json.dumps(c.get("args", {})) for c in raw.tool_calls]
            self.completion_tokens += count_tokens(str(raw.content) + "".join(args))


def _full_passage(ref: str, shortened: str, docs: Mapping[str, Document]) -> str:
    """A knowledge passage in full (the prompt's copy is capped): scanned, not just its head."""
    doc_id, _, anchor = ref.removeprefix(KB_PREFIX).partition("#")
    doc = docs.get(doc_id)
    section = doc.section(anchor) if doc is not None else None
    return section.text if section is not None else shortened


def enrich(
    draft: BaseModel,
    *,
    model: Callable[[], BaseChatModel],
    settings: ModelSettings | None,
    model_name: str,
    ctx: DealContext,
    request: CoachingRequest,
    docs: Mapping[str, Document],
    checker: GroundingChecker,
    as_of: str,
) -> Outcome:
    budget = settings.prompt_budget if settings else ModelSettings(model="x").prompt_budget
    method = settings.structured_output if settings else "function_calling"
    tally = _Tally()
    plan = plan_prompt(draft, ctx, request, docs, as_of, budget)
    warnings = [
        Warning(
            code="suspected_injection",
            ref=ref,
            message=f"{ref} reads like instructions to a model; it was passed only as data",
        )
        for ref in suspected_injections(
            (e.ref, _full_passage(e.ref, e.text, docs))
            for e in [*plan.kept, *plan.dropped]
            if e.ref.startswith(KB_PREFIX)
        )  # input text is scanned by the read node, whether or not a model is configured
    ]

    def fallback(reason: str, exc: BaseException | None = None) -> Outcome:
        # The WARNING is the response's own warning, which the respond node logs; here, the
        # detail for whoever is debugging the endpoint (the traceback, never the settings).
        log.debug(
            "model call fell back after %d call(s): %s",
            tally.calls,
            reason,
            exc_info=exc,
            extra={"model": model_name, "capability": request.capability},
        )
        message = f"model '{model_name}' not used: {reason}; showing the grounded draft"
        warnings.append(Warning(code="model_fallback", message=message))
        return Outcome(draft, _composition("template", model_name, tally), warnings, tally.seconds)

    schema = prose_schema(type(draft))
    if schema is None:  # nothing a model may rewrite
        return Outcome(draft, _composition("template", model_name, tally), warnings)
    if not plan.fits:
        return fallback(
            f"the draft alone needs about {plan.prompt_tokens} prompt tokens, over the budget "
            f"of {budget} (raise context_window or request_token_cap)"
        )
    try:
        structured = model().with_structured_output(schema, method=method, include_raw=True)
    except Exception as exc:  # building the client: no key, bad settings
        return fallback(describe_error(exc, settings), exc)
    problem = ""
    for attempt in range(MAX_CALLS):
        started = time.perf_counter()
        try:
            answer = structured.invoke(plan.prompt)
        except Exception as exc:  # timeouts, connection, auth, server errors
            tally.seconds += time.perf_counter() - started
            return fallback(describe_error(exc, settings), exc)
        tally.seconds += time.perf_counter() - started
        tally.calls += 1
        log.debug(
            "model call %d answered in %.0f ms",
            tally.calls,
            (time.perf_counter() - started) * 1000,
            extra={"model": model_name, "capability": request.capability},
        )
        tally.count(answer.get("raw") if isinstance(answer, dict) else None, plan)
        parsed = answer.get("parsed") if isinstance(answer, dict) else answer
        if not isinstance(parsed, schema):
            error = answer.get("parsing_error") if isinstance(answer, dict) else None
            problem = "its output did not match the schema"
            findings = [f"output did not match the schema: {str(error or 'no tool call')[:300]}"]
        else:
            merged = apply_prose(draft, parsed)
            if merged == draft:  # an empty or unusable answer: nothing of the model's to show
                return fallback("it returned no rewritten text")
            report, _ = checker.check(merged, "")
            if report.passed:
                return Outcome(merged, _composition("model", model_name, tally), warnings)
            problem = (
                "its text failed the grounding check ("
                + "; ".join(f.detail for f in report.findings[:3])
                + ")"
            )
            findings = [f.detail for f in report.findings[:MAX_FINDINGS]]
        if attempt + 1 < MAX_CALLS:
            plan = plan_prompt(draft, ctx, request, docs, as_of, budget, findings)
    return fallback(f"{problem}, also after one repair")


def _composition(method: str, name: str, tally: _Tally) -> Composition:
    return Composition(
        method="model" if method == "model" else "template",
        model=name,
        model_calls=tally.calls,
        prompt_tokens=tally.prompt_tokens,
        completion_tokens=tally.completion_tokens,
        latency_ms=0,
    )
