"""Run eval cases: each case K times, every grader on every attempt, crashes recorded as
failures of that case while the run goes on."""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from agent.capabilities.registry import registry
from agent.contracts.context import DealContext
from agent.contracts.rep import RepContext
from agent.contracts.request import REP_CAPABILITIES, CoachingRequest
from agent.model.tokens import count_tokens
from agent.nodes.load_context import with_transcript
from agent.nodes.load_rep_context import build_rep_context
from agent.reading.competitors import knowledge_competitors
from agent.reading.transcripts import call_date
from agent.resources import evals_dir
from agent.retrieval import citable_documents
from agent.service import coach
from agent.settings import CoachContext
from agent.stores import memory_place, store_at
from evals.harness.cases import CASES_DIR, CaseRequest, EvalCase, discover, load_case, selected
from evals.harness.graders import (
    Attempt,
    Grader,
    Observation,
    TwinReport,
    case_checks,
    offline_graders,
)
from evals.harness.live import live_attempt
from evals.harness.summary import EXPECTATION_GRADERS, CaseResult, RunResults, run_results
from tools.sources import WorkspaceSource


@dataclass
class RunSettings:
    context: CoachContext = field(default_factory=CoachContext)
    capability: str | None = None
    pattern: str | None = None
    repeat: int = 1
    concurrency: int = 1
    graders: list[Grader] = field(default_factory=offline_graders)
    gate_latency: bool = True  # False: a case over its time budget is reported, not failed
    judge_name: str = "none"
    cases_dir: Path = CASES_DIR


def load_cases(settings: RunSettings) -> list[EvalCase]:
    """All or nothing: a broken case file stops the run with its file and line."""
    known = set(WorkspaceSource(settings.context.workspace).deal_ids())
    cases = [load_case(p, known) for p in discover(settings.cases_dir, settings.capability)]
    return [c for c in cases if selected(c, settings.pattern)]


def coaching_request(
    case: EvalCase, workspace: Path, request: CaseRequest | None = None
) -> CoachingRequest:
    """The case's request (or its twin's) as the agent receives it; a transcript file is read
    from the workspace as a caller would send it, dated by its name unless the case says so."""
    chosen = request or case.request
    fields = chosen.model_dump(exclude_none=True, exclude={"workspace"})
    if (name := fields.pop("transcript_file", None)) is not None:
        path = workspace / name
        fields["transcript"] = path.read_text(encoding="utf-8")
        fields["transcript_source"] = path.name
        meeting = fields.setdefault("meeting", {})
        if meeting.get("date") is None and (day := call_date(path)) is not None:
            meeting["date"] = day
    return CoachingRequest(capability=case.capability, **fields)


def _rep_context(request: CoachingRequest, as_of: dt.date, ctx: CoachContext) -> RepContext:
    """What a rep-level response may cite, read the way the agent read it."""
    place = memory_place(ctx)
    store = store_at(place) if place is not None else None
    source = WorkspaceSource(ctx.workspace)
    known = knowledge_competitors(ctx.knowledge_dirs)
    rep, _ = build_rep_context(source, str(request.rep_id), as_of, store, set(), known)
    return rep


def _observe(case: EvalCase, settings: RunSettings, chosen: CaseRequest) -> Observation:
    """One answer to the case's request (or its twin's), with what it may cite."""
    ctx = settings.context
    if case.request.workspace:
        ctx = replace(ctx, workspace=(evals_dir() / case.request.workspace).resolve())
    request = coaching_request(case, ctx.workspace, chosen)
    start = time.perf_counter()
    response = coach(request, ctx)
    latency = (time.perf_counter() - start) * 1000
    context: DealContext | RepContext
    if request.capability in REP_CAPABILITIES:
        context = _rep_context(request, response.as_of, ctx)
    else:
        context = with_transcript(
            chosen.deal or WorkspaceSource(ctx.workspace).load_context(request.target_deal_id),
            request,
        )
    tokens = (
        count_tokens(response.markdown)
        + response.composition.prompt_tokens
        + response.composition.completion_tokens
    )
    return Observation(
        case, response, context, citable_documents(settings.context), latency, tokens
    )


def _error(exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"


def _twin(case: EvalCase, main: Observation, settings: RunSettings) -> TwinReport:
    """Answer the twin; grade it on its own expectations, and re-check the case's on it."""
    assert case.twin is not None and case.twin_request is not None
    try:
        twin = _observe(case, settings, case.twin_request)
    except Exception as exc:  # noqa: BLE001 - reported, the run goes on
        return TwinReport(passed=False, description=case.twin.description, error=_error(exc))
    own = replace(twin, case=case.model_copy(update={"expect": case.twin.expect}))
    scores = [g.grade(own) for g in settings.graders if g.name in EXPECTATION_GRADERS]
    here, there = case_checks(main), case_checks(twin)
    if len(here) == len(there):  # the same expectations give the same list, in order
        again = [c.holds for c in there]
    else:  # a check that came out differently on the twin: match by label
        held = {c.label for c in there if c.holds}
        again = [c.label in held for c in here]
    kept = [c for c in here if c.holds]
    return TwinReport(
        passed=all(s.status != "fail" for s in scores),
        description=case.twin.description,
        scores=scores,
        checks=len(kept),
        holds_on_twin=[c.label for c, ok in zip(here, again, strict=True) if c.holds and ok],
    )


def _attempt(case: EvalCase, settings: RunSettings) -> Attempt:
    if registry()[case.capability].scope == "live":  # a stream of cards, not a response
        return live_attempt(case, settings.context, settings.gate_latency)
    try:
        obs = _observe(case, settings, case.request)
        scores = [g.grade(obs) for g in settings.graders]
        twin = _twin(case, obs, settings) if case.twin is not None else None
        return Attempt(
            passed=all(s.status != "fail" for s in scores) and (twin is None or twin.passed),
            latency_ms=round(obs.latency_ms, 2),
            tokens=obs.tokens,
            scores=scores,
            twin=twin,
        )
    except Exception as exc:  # noqa: BLE001 - one broken case must not stop the run
        return Attempt(passed=False, error=_error(exc))


def run(
    settings: RunSettings, cases: list[EvalCase], on_attempt: Callable[[], None] | None = None
) -> RunResults:
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()

    def attempts_for(case: EvalCase) -> CaseResult:
        attempts = []
        for _ in range(settings.repeat):
            attempts.append(_attempt(case, settings))
            if on_attempt:
                on_attempt()
        return CaseResult(
            id=case.id,
            capability=case.capability,
            file=case.file,
            description=case.description,
            judgment=case.judgment,
            attempts=attempts,
        )

    for capability in sorted({c.capability for c in cases}):
        # budgets measure the warm agent, as a running service would be
        _attempt(next(c for c in cases if c.capability == capability), settings)
    with ThreadPoolExecutor(max_workers=max(1, settings.concurrency)) as pool:
        results = list(pool.map(attempts_for, cases))
    return run_results(
        run_id=started.strftime("%Y%m%d-%H%M%S"),
        started=started.isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - clock, 2),
        repeat=settings.repeat,
        judge=settings.judge_name,
        cases=results,
    )
