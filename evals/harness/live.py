"""Live-assist cases: a transcript replayed utterance by utterance through the same engine
`coach live` runs, graded on the cue cards a rep would have seen and how fast each came.

A live case reads like any other (evals/cases/live_assist/*.yaml) with `transcript_file` and
the `cards_*` expectations; its latency is the p95 of the per-utterance time to card, the
figure the 50 ms budget is about.
"""

from __future__ import annotations

import time
import traceback
from pathlib import Path

from agent.analysis import analyze_deal
from agent.capabilities.live_assist.contract import CueCard
from agent.capabilities.live_assist.engine import LiveAssist
from agent.reading.speaker_mapping import map_speakers
from agent.reading.transcripts import parse_transcript
from agent.retrieval import index_for
from agent.settings import CoachContext
from evals.harness.cases import LIVE, EvalCase
from evals.harness.checks import CaseCheck, typed_checks
from evals.harness.graders import Attempt, Score, skipped, ungated, verdict
from tools.sources import workspace_source

__all__ = ["LIVE", "live_attempt", "replay"]


def replay(case: EvalCase, settings: CoachContext) -> tuple[list[CueCard], list[float]]:
    """Every card shown, and the time each utterance took from arrival to its card (or to
    nothing), in milliseconds."""
    source = workspace_source(settings.workspace)
    deal_id = case.request.deal_id
    if deal_id is None:
        raise ValueError("a live case needs deal_id")
    ctx = source.load_context(deal_id)
    request = case.request
    if request.transcript_file:
        path = settings.workspace / request.transcript_file
        text, name = path.read_text(encoding="utf-8"), path.name
    else:
        text, name = request.transcript or "", "inline"
    call = map_speakers(parse_transcript(text, source=name), ctx.deal)
    as_of = request.as_of or source.as_of
    assert as_of is not None
    engine = LiveAssist(ctx, analyze_deal(ctx, as_of), index_for(settings))
    cards: list[CueCard] = []
    latencies = []
    for u in call.utterances:
        start = time.perf_counter()
        cards += engine.feed(u)
        latencies.append((time.perf_counter() - start) * 1000)
    return cards, latencies


def p95(values: list[float]) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _checks(case: EvalCase, cards: list[CueCard]) -> tuple[list[CaseCheck], list[CaseCheck]]:
    e = case.expect
    text = " ".join(c.say + " ".join(c.points) for c in cards)
    names = [
        CaseCheck("forbid_names", n, n not in text, f"a card mentions {n}") for n in e.forbid_names
    ]
    required = typed_checks(e, cards, "required")
    return required, typed_checks(e, cards, "forbidden") + names


def _score(name: str, checks: list[CaseCheck]) -> Score:
    return verdict(name, checks, "nothing to check in this case", "all {} checks hold")


def live_attempt(case: EvalCase, settings: CoachContext, gate_latency: bool = True) -> Attempt:
    try:
        cards, latencies = replay(case, settings)
    except Exception as exc:  # noqa: BLE001 - one broken case must not stop the run
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Attempt(
            passed=False,
            error=f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})",
        )
    required, forbidden = _checks(case, cards)
    worst = p95(latencies)
    budget = case.expect.max_latency_ms
    latency = (
        ungated("latency", f"p95 {worst:.1f} ms over {budget} ms")
        if budget is not None and worst > budget and not gate_latency
        else _score(
            "latency",
            [
                CaseCheck(
                    "max_latency_ms",
                    f"{budget}",
                    worst <= budget,
                    f"p95 {worst:.1f} ms > {budget} ms",
                )
            ],
        )
        if budget is not None
        else skipped("latency", "no budget in this case")
    )
    scores = [_score("required", required), _score("forbidden", forbidden), latency]
    return Attempt(
        passed=all(s.status != "fail" for s in scores),
        latency_ms=round(worst, 2),
        scores=scores,
    )
