"""What a citation points at, and transcripts to replay: the routes the browser page needs.

A citation in an answer is a ref: a path into the deal's input (`deal.activities[3]`) or a
knowledge passage (`kb:play-id#section`). These routes open one, scoped like every route: a
deal the caller may not reach is 404, and a passage comes from the caller's tenant's
knowledge (the shipped knowledge plus its overlay). A passage that reads like instructions to
a model (a poisoned overlay) is withheld from answers; opened at its place it is shown as data,
flagged `suspected`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator, BaseModel, Field

from agent.contracts.conversation import Transcript
from agent.intake import max_chars
from agent.interfaces.http.deps import ApiError, ContextDep
from agent.interfaces.http.routes.deals import DealId
from agent.interfaces.http.routes.live import Heard

router = APIRouter(prefix="/v1", tags=["deals and knowledge"])
Ref = Annotated[str, Query(min_length=1, max_length=500, examples=["deal.activities[3]"])]


class Source(BaseModel):
    """One cited element: its ref, a readable excerpt, and the element itself (input only)."""

    ref: str
    kind: Literal["input", "knowledge"]
    text: str
    value: Any = None
    suspected: bool = Field(
        default=False, description="The passage reads like instructions to a model."
    )


class TranscriptLines(BaseModel):
    """A transcript as the live route takes it: one utterance per line spoken."""

    source: str
    utterances: list[Heard]


class TranscriptText(BaseModel):
    text: Annotated[str, Field(min_length=1), AfterValidator(max_chars("transcript"))]


def _not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", what)


@router.get("/deals/{deal_id}/source", response_model=Source, summary="One cited input element")
async def deal_source(deal_id: DealId, ref: Ref, ctx: ContextDep) -> Source:
    from agent.grounding.citations import describe, resolve_input, resolves
    from tools.deal_ids import check_deal_id
    from tools.sources import workspace_source

    def load() -> Source:
        deal = workspace_source(ctx.workspace, ctx.principal).load_context(
            check_deal_id(deal_id, "deal id")
        )
        if not resolves(deal, ref):
            raise _not_found(f"no '{ref}' in deal '{deal_id}'. Open a citation of this deal")
        node = resolve_input(deal, ref)
        value = node.model_dump(mode="json") if isinstance(node, BaseModel) else node
        return Source(ref=ref, kind="input", text=describe(node), value=value)

    return await run_in_threadpool(load)


@router.get(
    "/knowledge/passages/{ref:path}", response_model=Source, summary="One cited knowledge passage"
)
async def knowledge_passage(
    ref: Annotated[str, Path(max_length=500, examples=["kb:play-engage-economic-buyer#why"])],
    ctx: ContextDep,
) -> Source:
    """`kb:<doc>#<section>` (the `kb:` is optional): the section's heading and text."""
    from agent.grounding.citations import resolve_knowledge
    from agent.retrieval import citable_documents, withheld_knowledge
    from knowledge.documents import KB_PREFIX

    full = ref if ref.startswith(KB_PREFIX) else KB_PREFIX + ref

    def load() -> Source:
        docs = citable_documents(ctx)
        text = resolve_knowledge(docs, full)
        if text is None:
            raise _not_found(f"no knowledge passage '{full}'. Search with /v1/knowledge/search")
        # answers never repeat such a passage; here, its own place, it shows as data, flagged
        flagged = any(p in text for p in withheld_knowledge(ctx, [full]))
        return Source(ref=full, kind="knowledge", text=text, suspected=flagged)

    return await run_in_threadpool(load)


def _lines(source: str, transcript: Transcript) -> TranscriptLines:
    heard = [
        Heard(speaker=u.speaker, text=u.text, start_s=u.start_s) for u in transcript.utterances
    ]
    return TranscriptLines(source=source, utterances=heard)


@router.get(
    "/deals/{deal_id}/transcript",
    response_model=TranscriptLines,
    summary="The deal's latest call transcript, as utterances to replay",
)
async def deal_transcript(deal_id: DealId, ctx: ContextDep) -> TranscriptLines:
    from agent.reading.transcripts import read_transcript
    from tools.deal_ids import check_deal_id
    from tools.sources import workspace_source

    def load() -> TranscriptLines:
        source = workspace_source(ctx.workspace, ctx.principal)
        path = source.latest_transcript(check_deal_id(deal_id, "deal id"))
        return _lines(path.name, read_transcript(path))

    return await run_in_threadpool(load)


@router.post(
    "/transcripts/parse",
    response_model=TranscriptLines,
    summary="A pasted transcript (plain, WebVTT, SRT or JSON) as utterances to replay",
)
async def parse_pasted(body: Annotated[TranscriptText, Body()], ctx: ContextDep) -> TranscriptLines:
    """Parsed as `coach live --transcript` parses a file; the caller's key is checked first."""
    from agent.reading.transcripts import parse_transcript

    return await run_in_threadpool(lambda: _lines("pasted", parse_transcript(body.text, "pasted")))
