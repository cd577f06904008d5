"""What the model composer costs, beyond the model.

    python -m evals.bench_model            graph overhead per capability (offline)
    python -m evals.bench_model --server   also calls and tokens per capability request, and a
                                           bare call's latency, against the local llama.cpp
                                           server (evals/local_model.py; COACH_LLM_PYTHON)

Overhead: the same request through the whole graph with an instant model (it hands back the
draft) against the template-only request: prompt planning and token counting, the merge and
the grounding check. Medians of a few warm runs; a benchmark, not a timed test.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, SecretStr

from agent.capabilities.registry import in_scope, sample_request
from agent.compose.prose import prose_of
from agent.contracts import CoachingRequest
from agent.model.factory import ModelSettings, chat_model
from agent.reading.verify import ProposedReading
from agent.service import coach
from agent.settings import CoachContext
from evals.local_model import ALIAS, API_KEY, N_CTX, local_server

DEAL = "D-1003"
RUNS = 5


def requests() -> list[CoachingRequest]:
    """One request per capability the deal graph composes (rep-level capabilities are
    template-only), completed as a front end completes it (a debrief gets the newest call)."""
    settings = CoachContext(outbox=None, memory=None)
    return [sample_request(spec, DEAL, "", settings) for spec in in_scope("deal")]


class InstantModel(BaseChatModel):
    """Answers at once with the draft it is given: the graph's own cost, model excluded."""

    answer: Any = None

    @property
    def _llm_type(self) -> str:
        return "instant"

    def _generate(self, messages: list[BaseMessage], *a: Any, **k: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=""))])

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Runnable[Any, Any]:
        # the model reader's call reads no facts: the composer's cost is measured here
        parsed = ProposedReading() if schema is ProposedReading else self.answer
        return RunnableLambda(lambda _: {"raw": None, "parsed": parsed, "parsing_error": None})


def _touched(prose: BaseModel | None) -> BaseModel | None:
    """The draft's prose with one sentence changed, so the merge and the checker really run."""
    if prose is None:
        return None
    data = prose.model_dump()
    key = next((k for k, v in data.items() if isinstance(v, str) and v), None)
    if key is not None:
        data[key] = data[key].rstrip(".") + ", as drafted."
    return type(prose).model_validate(data)


def median_ms(fn: Any) -> float:
    fn()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def overhead() -> None:
    print(f"graph overhead of the model path, {DEAL}, median of {RUNS} (ms)")
    plain = CoachContext(memory=None, outbox=None)
    for request in requests():
        capability = str(request.capability)
        draft: BaseModel = coach(request, plain).result
        answer = _touched(prose_of(draft))
        instant = replace(plain, chat_model=InstantModel(answer=answer))
        template = median_ms(lambda r=request: coach(r, plain))
        model = median_ms(lambda r=request, c=instant: coach(r, c))
        print(f"  {capability:22} template {template:7.1f}  model path {model:7.1f}  "
              f"overhead {model - template:6.1f}")  # fmt: skip


def against_server(base_url: str) -> None:
    settings = ModelSettings(
        model=ALIAS, base_url=base_url, api_key=SecretStr(API_KEY), max_output_tokens=512,
        context_window=N_CTX, timeout_s=600, max_retries=0, legacy_max_tokens=True,
        tokenizer_factor=2.5,
    )  # fmt: skip
    print(f"local server ({ALIAS}, n_ctx {N_CTX}): one request per capability on {DEAL}")
    for request in requests():
        capability = str(request.capability)
        started = time.perf_counter()
        resp = coach(request, CoachContext(model=settings, memory=None, outbox=None))
        c = resp.composition
        note = next((w.message for w in resp.warnings if w.code == "model_fallback"), "accepted")
        seconds = time.perf_counter() - started
        print(f"  {capability:22} calls {c.model_calls} prompt {c.prompt_tokens} completion "
              f"{c.completion_tokens} {seconds:6.2f}s  {note[:110]}")  # fmt: skip
    bare = chat_model(settings).with_structured_output(
        CoachingRequest.model_json_schema()["$defs"]["Meeting"], method="function_calling"
    )
    ms = median_ms(lambda: bare.invoke("Plan a 30-minute meeting with the CFO."))
    print(f"  bare structured call (small schema), median of {RUNS}: {ms:.0f} ms")


if __name__ == "__main__":
    overhead()
    if "--server" in sys.argv:
        with local_server() as url:
            against_server(url)
