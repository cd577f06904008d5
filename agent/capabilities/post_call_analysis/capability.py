"""Post-call analysis: a call transcript reviewed against the deal, with next steps, a
follow-up email, a proposed CRM update, and lessons kept across deals in LangGraph's store."""

from __future__ import annotations

from typing import Any, get_args

from langgraph.store.base import BaseStore

from agent.analysis.model import Analysis
from agent.analysis.stage import default_process
from agent.capabilities.live_assist.engine import LiveAssist
from agent.capabilities.post_call_analysis.build import build_debrief
from agent.capabilities.post_call_analysis.change import digest
from agent.capabilities.post_call_analysis.contract import Lesson, PostCallAnalysisResult
from agent.capabilities.post_call_analysis.expectations import PostCallAnalysisExpectations
from agent.capabilities.post_call_analysis.lessons import opaque, scrub, stage_words
from agent.capabilities.registry import Capability, Draft, Inputs
from agent.contracts.context import DealContext
from agent.contracts.deal import ActivityType
from agent.errors import InvalidInput
from agent.memo import PerObject
from agent.memory import lessons_namespace, tenant_of
from agent.reading.identity import confirm_speakers
from agent.retrieval import index_for
from agent.settings import CoachContext
from knowledge.retriever import KnowledgeIndex

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


def _similar(
    store: BaseStore, result: PostCallAnalysisResult, deal_id: str, tenant: str
) -> list[Lesson]:
    """Lessons other deals of this tenant left at this stage (same industry first)."""
    stage = result.lessons[0].stage if result.lessons else None
    if stage is None:
        return []
    items = store.search(lessons_namespace(stage, tenant), limit=100)
    own = opaque(tenant, deal_id)
    earlier = [Lesson.model_validate(i.value) for i in items if i.value.get("deal_id") != own]
    keep = stage_words(stage)
    industry = result.lessons[0].industry
    same = opaque(tenant, industry) if industry else None
    earlier.sort(key=lambda lesson: (lesson.industry != same, -lesson.learned_on.toordinal()))
    # Shown without what belongs to their deal (its citations point into another call, and its
    # industry), scrubbed again in case a row was kept by an older version; the date and an
    # opaque key say which call each came from, never the deal.
    return [
        x.model_copy(update={"citations": [], "industry": None, "text": _rescrub(x.text, keep)})
        for x in earlier[:SIMILAR_LESSONS]
    ]


def _rescrub(text: str, keep: set[str]) -> str:
    """A stored lesson's quote scrubbed again (rows an older version kept); the words around
    it are this capability's own."""
    head, quote, tail = text.partition(' this: "')
    if not tail:
        return scrub(text, keep | set(head.split()))
    return f'{head}{quote}{scrub(tail.removesuffix(chr(34)), keep)}"'


def save_lessons(store: BaseStore, result: Any, inputs: Inputs) -> None:
    """This call's lessons, for other deals' debriefs at the same stage."""
    if not result.lessons:
        return
    stage = result.lessons[0].stage
    tenant = tenant_of(inputs.settings.principal)
    deal = opaque(tenant, inputs.ctx.deal.id)
    for n, lesson in enumerate(result.lessons):
        # kept under opaque keys: the store holds no deal id, call file name or industry
        key = opaque(tenant, f"{inputs.ctx.deal.id}:{result.call.date}:{result.call.source}:{n}")
        industry = opaque(tenant, lesson.industry) if lesson.industry else None
        kept = lesson.model_copy(update={"deal_id": deal, "industry": industry, "citations": []})
        store.put(lessons_namespace(stage, tenant), key, kept.model_dump(mode="json"), index=False)


def draft(inputs: Inputs) -> Draft:
    request, ctx, transcript = inputs.request, inputs.ctx, inputs.ctx.transcript
    if transcript is None:  # the request validator already insists on one
        raise InvalidInput("no transcript to analyse", where="request.transcript")
    meeting = request.meeting
    on = meeting.date if meeting and meeting.date else inputs.as_of
    index = index_for(inputs.settings)
    attendees = meeting.attendees if meeting else []
    objective = meeting.objective if meeting else None
    activity = _activity_type(request.options.get("activity_type", "call"))
    process = default_process(inputs.settings) if ctx.process is None else None

    def debrief() -> PostCallAnalysisResult:
        return build_debrief(
            ctx,
            inputs.signals,
            confirm_speakers(transcript, ctx.deal, on, attendees),
            on,
            objective,
            activity,
            _assist(ctx, inputs.signals, index),
            process,
        )

    index.refresh()  # a newer ingest is a new version: a new debrief
    # Kept per analysis (agent/memo.py): the analysis is of this context, the call's transcript
    # included, on its date, so with the request's own choices and the knowledge's version
    # the debrief is the same; the same call asked about again is not analysed again.
    key = (
        id(ctx),
        on,
        tuple(attendees),
        objective,
        activity,
        (index.store.where, index.folders, index.hidden, index.version),
        digest(process and (process.doc_id, process.standard)),
    )
    result = _DEBRIEFS.get(inputs.signals, key, debrief)
    if inputs.store is None:
        return Draft(result)
    tenant = tenant_of(inputs.settings.principal)
    similar = _similar(inputs.store, result, ctx.deal.id, tenant)  # scrubbed: no grounds needed
    return Draft(result.model_copy(update={"lessons_from_similar": similar, "lessons_saved": True}))


_DEBRIEFS: PerObject[PostCallAnalysisResult] = PerObject(maxsize=16)


def _assist(ctx: DealContext, analysis: Analysis, index: KnowledgeIndex) -> LiveAssist:
    """The live assist engine the debrief asks for answers, competitors and questions: its
    cards are prepared from the deal, its analysis and the knowledge (a third of a short
    debrief), so one is kept per analysis (agent/memo.py), context and index version. The
    debrief only reads it (answer, no_card, questions_for): nothing it keeps changes. The
    kept engine holds the context and the index, so their ids in the key stay theirs. The
    caller has refreshed the index (a newer ingest is a new version: a new engine)."""
    key = (id(ctx), id(index), index.version)
    return _ASSISTS.get(analysis, key, lambda: LiveAssist(ctx, analysis, index))


_ASSISTS: PerObject[LiveAssist] = PerObject(maxsize=16)


def newest_transcript(payload: dict[str, Any], settings: CoachContext) -> dict[str, Any]:
    """With no transcript in the request, the deal's newest one, dated by its file name."""
    if payload.get("transcript") or not payload.get("deal_id"):
        return payload
    from agent.intake import LIMITS, read_text
    from agent.reading.transcripts import call_date
    from tools.sources import workspace_source

    source = workspace_source(settings.workspace, settings.principal)
    path = source.latest_transcript(str(payload["deal_id"]))
    filled = {
        **payload,
        "transcript": read_text(path, LIMITS.transcript, "transcript"),
        "transcript_source": path.name,
    }
    if (day := call_date(path)) is not None:  # the call's own date
        meeting = dict(filled.get("meeting") or {})
        meeting.setdefault("date", day)
        filled["meeting"] = meeting
    return filled


CAPABILITY = Capability(
    name="post_call_analysis",
    node="debrief_call",
    title="Post-call analysis",
    summary="Post-call analysis: review, next steps, what changed, follow-up email, deal update.",
    draft=draft,
    command="debrief",
    uses=("transcript", "meeting"),
    expectations=PostCallAnalysisExpectations,
    remember=save_lessons,
    prepare=newest_transcript,
    p95_budget_ms=600,
    median_target_ms=100,
)
