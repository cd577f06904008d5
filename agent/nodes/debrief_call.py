"""debrief_call: post-call analysis of the transcript in the request, plus lessons kept across
deals in LangGraph's long-term store (when the graph was compiled with one)."""

from __future__ import annotations

from typing import Any, get_args

from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore

from agent.capabilities.live_assist.engine import LiveAssist
from agent.capabilities.post_call_analysis.build import build_debrief
from agent.capabilities.post_call_analysis.contract import Lesson, PostCallAnalysisResult
from agent.capabilities.post_call_analysis.lessons import scrub, stage_words
from agent.contracts.deal import ActivityType
from agent.errors import InvalidInput
from agent.memory import LESSONS
from agent.retrieval import index_for
from agent.settings import CoachContext, settings
from agent.state import CoachState

SIMILAR_LESSONS = 5


def _activity_type(value: Any) -> ActivityType:
    allowed = get_args(ActivityType)
    if value not in allowed:
        raise InvalidInput(
            f"unknown activity type '{value}'",
            where="request.options.activity_type",
            fix=f"Use one of: {', '.join(allowed)}",
        )
    return value  # type: ignore[no-any-return]


def _namespace(stage: str) -> tuple[str, str]:
    return (LESSONS, stage.lower().replace(" ", "-"))


def _remember(store: BaseStore, result: PostCallAnalysisResult, deal_id: str) -> list[Lesson]:
    """Lessons other deals left at this stage (same industry first), then this call's saved."""
    stage = result.lessons[0].stage if result.lessons else None
    if stage is None:
        return []
    items = store.search(_namespace(stage), limit=100)
    earlier = [Lesson.model_validate(i.value) for i in items if i.value.get("deal_id") != deal_id]
    keep = stage_words(stage)
    industry = result.lessons[0].industry
    earlier.sort(key=lambda lesson: (lesson.industry != industry, -lesson.learned_on.toordinal()))
    # Shown without what belongs to their deal (its citations point into another call, and its
    # industry), scrubbed again for rows older versions kept; the deal id and date say where
    # each came from.
    shown = [
        x.model_copy(update={"citations": [], "industry": None, "text": scrub(x.text, keep)})
        for x in earlier[:SIMILAR_LESSONS]
    ]
    for n, lesson in enumerate(result.lessons):
        key = f"{deal_id}:{result.call.date.isoformat()}:{result.call.source}:{n}"
        store.put(_namespace(stage), key, lesson.model_dump(mode="json"), index=False)
    return shown


def debrief_call(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    request, ctx, analysis = state["request"], state["context"], state["analysis"]
    if ctx.transcript is None:  # the request validator already insists on one
        raise InvalidInput("no transcript to analyse", where="request.transcript")
    meeting = request.meeting
    on = meeting.date if meeting and meeting.date else state["as_of"]
    assist = LiveAssist(ctx, analysis, index_for(settings(runtime.context)))
    result = build_debrief(
        ctx,
        analysis,
        ctx.transcript,
        on,
        meeting.objective if meeting else None,
        _activity_type(request.options.get("activity_type", "call")),
        assist,
    )
    if runtime.store is None:
        return {"result": result}
    similar = _remember(runtime.store, result, ctx.deal.id)  # scrubbed: no grounds needed
    result = result.model_copy(update={"lessons_from_similar": similar, "lessons_saved": True})
    return {"result": result}
