"""The model reader: with a chat model configured, one structured-output call per request reads
the deal's free texts into the same typed facts the rules read, and code keeps only what it can
verify (verify.py).

Why a model at all: the rules (people.py, outreach.py, constraints.py ...) read what their
patterns name; a model also reads the phrasing nobody wrote a pattern for ("came in well under our
number"). Why it is safe: the model only points at words. A fact needs a ref it was given and a
quote code finds there verbatim; dates, durations, figures and contacts are computed by code
from those words; the rules' fields win wherever both read the same words.

What the model is shown: the texts about this deal that the rules read (texts.py), each fenced
as data, as many as fit the prompt budget in the rules' order (the record, upstream agents, the
call). A text that reads like instructions to a model (model/fence.py) is never sent, so
planted instructions cannot become facts that steer the advice; the read node still reports
it as `suspected_injection`.

Any failure (no client, timeout, an unreachable endpoint, an answer that does not parse) leaves
the rules' reading as it was, with one `model_fallback` warning: the request never fails here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from agent.contracts.context import DealContext
from agent.contracts.facts import Reading
from agent.contracts.response import Warning
from agent.model.factory import ModelSettings, describe_error, unreachable
from agent.model.fence import neutralise
from agent.model.injection import looks_like_instructions
from agent.model.tokens import count_tokens
from agent.reading.read import competitors_of, seller_written, written_on
from agent.reading.texts import about_the_deal, free_texts
from agent.reading.verify import ProposedReading, Scene, Source, merge, verify
from agent.settings import CoachContext

if TYPE_CHECKING:  # langchain's prompts are imported with a model only (tests/cli/test_fast_start)
    from langchain_core.prompt_values import PromptValue

PROMPT = "reader"
MESSAGE_TOKENS = 8  # chat-format overhead per message, rounded up
FENCE_TOKENS = 16  # a text's fence lines and ref
log = logging.getLogger(__name__)


def reads_with_model(run: CoachContext) -> bool:
    """A model is configured (settings or a ready client) and not told to leave reading to
    the rules (`reader = false`, COACH_MODEL_READER)."""
    if run.model is not None and not run.model.reader:
        return False
    return run.chat_model is not None or run.model is not None


def sources(ctx: DealContext, as_of: dt.date, call: dt.date | None) -> list[Source]:
    """The texts the model may read: those about the deal, minus any that reads like
    instructions to a model."""
    return [
        Source(t.ref, t.text, written_on(ctx, t.ref, as_of, call), seller_written(ctx, t.ref))
        for t in free_texts(ctx)
        if about_the_deal(t) and not looks_like_instructions(t.text)
    ]


@lru_cache(maxsize=1)
def _schema_tokens() -> int:
    """What the tool definition costs in the prompt."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    return count_tokens(json.dumps(convert_to_openai_tool(ProposedReading)))


def _render(as_of: dt.date, texts: Sequence[Source]) -> tuple[PromptValue, int]:
    from agent.model.prompts import load_prompt

    value = load_prompt(PROMPT).invoke(
        {
            "as_of": as_of.isoformat(),
            "texts": [{"ref": t.ref, "text": neutralise(t.text)} for t in texts],
        }
    )
    tokens = sum(count_tokens(str(m.content)) + MESSAGE_TOKENS for m in value.to_messages())
    return value, tokens + _schema_tokens()


def plan(texts: Sequence[Source], as_of: dt.date, budget: int) -> tuple[PromptValue, list[Source]]:
    """The prompt with every text that fits the token budget, in order; a text that does not
    fit is left to the rules (a shorter one after it may still fit)."""
    _, used = _render(as_of, [])
    kept: list[Source] = []
    for t in texts:
        cost = count_tokens(t.ref) + count_tokens(t.text) + FENCE_TOKENS
        if used + cost <= budget:
            kept.append(t)
            used += cost
    if len(kept) < len(texts):
        skipped = len(texts) - len(kept)
        log.debug("model reader: %d of %d texts over the prompt budget", skipped, len(texts))
    value, _ = _render(as_of, kept)
    return value, kept


def read_with_model(
    ctx: DealContext,
    rules: Reading,
    run: CoachContext,
    as_of: dt.date,
    call: dt.date | None = None,
    competitors: Sequence[str] = (),
) -> tuple[Reading, list[Warning], bool]:
    """The rules' reading with the model's verified facts merged in, any warning, and whether
    the endpoint is unreachable (so the rest of the request does not wait on it again)."""
    settings = run.model
    name = run.model_name or "model"
    budget = (settings or ModelSettings(model="x")).prompt_budget
    prompt, given = plan(sources(ctx, as_of, call), as_of, budget)
    if not given:
        return rules, [], False

    def fallback(
        problem: str, exc: BaseException | None = None
    ) -> tuple[Reading, list[Warning], bool]:
        # The response's warning (logged by the respond node) says why; this is the detail.
        log.debug("model reader fell back: %s", problem, exc_info=exc, extra={"model": name})
        down = exc is not None and unreachable(exc)
        message = (
            f"model '{name}' is unavailable ({problem}): the rules read the deal's text and "
            "the templates wrote the answer"
            if down
            else f"reading by model '{name}' failed ({problem}); the rules alone read the "
            "deal's text"
        )
        return rules, [Warning(code="model_fallback", message=message)], down

    started = time.perf_counter()
    try:
        client = run.client()
        if client is None:
            return rules, [], False
        structured = client.with_structured_output(
            ProposedReading,
            method=settings.structured_output if settings else "function_calling",
            include_raw=True,
        )
        answer = structured.invoke(prompt)
    except Exception as exc:  # noqa: BLE001 - no key, timeout, connection, server errors
        return fallback(describe_error(exc, settings), exc)
    parsed = answer.get("parsed") if isinstance(answer, dict) else answer
    if not isinstance(parsed, ProposedReading):
        return fallback("its output did not match the schema")
    rivals = competitors_of(ctx, competitors)
    facts, dropped = verify(parsed.facts, {s.ref: s for s in given}, Scene(ctx.deal, as_of, rivals))
    merged = merge(rules.facts, facts, {s.ref: s.text for s in given})
    log.debug(
        "model reader: %d proposed, %d verified, %d new, %d dropped %s in %.0f ms",
        len(parsed.facts),
        len(facts),
        len(merged) - len(rules.facts),
        sum(dropped.values()),
        dict(dropped),
        (time.perf_counter() - started) * 1000,
        extra={"model": name},
    )
    update = {"facts": merged, "dropped": sum(dropped.values()), "model": name}
    return rules.model_copy(update=update), [], False
