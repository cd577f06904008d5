"""load_rep_context: the rep's deals in the workspace (each with its upstream sections, from
files or from the upstream agents over HTTP exactly as a deal capability reads them), the
team's analytics, the advice the agent recorded for the rep, and metrics of their recorded
calls. Absent inputs are reported; a deal's section an agent failed to deliver is a warning
naming the deal, the section and why."""

from __future__ import annotations

import datetime as dt
import time
from functools import partial
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore

from agent.analysis.closure import rep_deals
from agent.capabilities.common.coaching_history import recall
from agent.contracts.context import DealContext
from agent.contracts.deal import TeamMember
from agent.contracts.rep import RepCall, RepContext
from agent.contracts.response import MissingInput, Warning
from agent.contracts.upstream import SalesAnalytics
from agent.errors import CoachError, InvalidInput
from agent.memo import PerObject
from agent.memory import tenant_of
from agent.reading.competitors import Competitors, deal_competitors, knowledge_competitors
from agent.reading.transcripts import read_transcript
from agent.retrieval import citable_documents
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState, request_of
from tools.deal_source import DealSource
from tools.sources import WorkspaceSource, workspace_source
from tools.upstream.source import upstream_source

ANALYTICS_IMPACT = (
    "no skill scores, win rates or named top performers: focus areas come from the deals' "
    "patterns alone, no peer is suggested to shadow, and nothing is compared with the team"
)


def _calls(
    source: WorkspaceSource, deals: list[DealContext], known: Competitors
) -> tuple[list[RepCall], list[Warning]]:
    calls, warnings = [], []
    for ctx in deals:
        folder = source.root / "deals" / ctx.deal.id / "transcripts"
        competitors = deal_competitors(ctx, known)
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            try:
                inside = source.inside(path)  # no link out, checked on every request
                stat = inside.stat()
                key = (path.name, stat.st_mtime_ns, stat.st_size, competitors.names)
                made = partial(_call, ctx, inside, competitors)
                call = _CALLS.get(ctx, (key, competitors.aliases), made)
            except CoachError as exc:
                warnings.append(Warning(code="data_quality", message=f"transcript skipped: {exc}"))
                continue
            calls.append(call)
    return calls, warnings


def _call(ctx: DealContext, path: Path, competitors: Competitors) -> RepCall:
    """One recorded call's metrics: kept per deal version and transcript file (its size and
    modification time), so a rep's next request does not read and classify every call again."""
    from agent.analysis.conversation import conversation_metrics  # a rep's calls only

    m = conversation_metrics(read_transcript(path), ctx.deal, competitors)
    return RepCall(
        deal_id=ctx.deal.id,
        source=path.name,
        seller_share=m.talk_ratio.seller_share,
        seller_questions=m.seller_questions.count,
        open_questions=m.seller_questions.open,
        objections=len(m.objections),
        objections_handled=sum(o.handled for o in m.objections),
    )


_CALLS: PerObject[RepCall] = PerObject(maxsize=256)


def _unknown_skills(analytics: SalesAnalytics, known: set[str]) -> list[Warning]:
    named = [
        *(
            f"analytics.reps[{i}]: {s.skill}"
            for i, r in enumerate(analytics.reps)
            for s in r.skills
            if s.skill not in known
        ),
        *(
            f"analytics.top_performers[{i}]: {t.skill}"
            for i, t in enumerate(analytics.top_performers)
            if t.skill not in known
        ),
    ]
    return [
        Warning(
            code="data_quality",
            ref=n.split(":")[0],
            message=f"unknown skill id {n.split(': ')[1]} (no knowledge skill document); it is "
            "ignored. Use an id from knowledge/skills/",
        )
        for n in named
    ]


def _undelivered(deals: list[DealContext]) -> list[Warning]:
    """Sections of the rep's deals an upstream agent did not deliver, or served from an older
    answer: the rep-level advice is built without them, and says so per deal."""
    warnings = []
    for ctx in deals:
        for section, why in ctx.unavailable.items():
            warnings.append(
                Warning(
                    code="missing_input",
                    ref=f"{ctx.deal.id}:{section}",
                    message=f"{ctx.deal.id}: no {section} data (the agent's call failed: {why})",
                )
            )
        for section, why in ctx.stale.items():
            warnings.append(Warning(code="stale_data", ref=f"{ctx.deal.id}:{section}", message=why))
    return warnings


def _missing(rep_id: str, analytics: SalesAnalytics | None) -> list[MissingInput]:
    if analytics is None:
        return [
            MissingInput(
                section="analytics",
                provider="sales analytics agent",
                would_add="rep win rates and skill scores, team baselines, top performers by skill",
                impact=ANALYTICS_IMPACT,
            )
        ]
    if analytics.rep(rep_id) is None:
        return [
            MissingInput(
                section="analytics.reps",
                provider="sales analytics agent",
                would_add="this rep's win rate, cycle time and skill scores",
                impact="skills are judged from the deals' patterns alone, not scored",
            )
        ]
    return []


def build_rep_context(
    source: WorkspaceSource,
    rep_id: str,
    as_of: dt.date,
    store: BaseStore | None,
    known_skills: set[str],
    known_competitors: Competitors,
    contexts: DealSource | None = None,
) -> tuple[RepContext, list[Warning]]:
    """The rep's material; also used by the eval harness to resolve a response's citations.
    `known_competitors` are the knowledge base's (reading.competitors.knowledge_competitors).
    `contexts` reads each deal with its sections (tools.upstream: the configured agents over
    HTTP, the files for the rest); by default the workspace's files."""
    analytics = source.org_section("analytics")
    assert analytics is None or isinstance(analytics, SalesAnalytics)
    # Only the rep's own deals are read (the workspace catalogue knows who owns what).
    may_coach = source.access.may_coach(rep_id)
    # Coached on their open deals: counting won and lost ones made "311 open deals" of 80 open
    # ones, and patterns of history.
    owned, deals = rep_deals(source, rep_id, contexts or source)
    listed = {
        r.rep_id: TeamMember(id=r.rep_id, name=r.name)
        for r in (analytics.reps if analytics else [])
    }
    # A principal coaches itself and, as a manager, its team: any other rep is unknown to
    # it, in the same words as a rep that does not exist.
    rep = (owned[-1].deal.owner if owned else listed.get(rep_id)) if may_coach else None
    if rep is None:
        known = {r for r in {*source.rep_ids(), *listed} if source.access.may_coach(r)}
        raise InvalidInput(
            f"no rep '{rep_id}' owns a deal or appears in the analytics",
            where=str(source.root),
            fix=f"Known reps: {', '.join(sorted(known)) or 'none'}",
        )
    tenant = tenant_of(source.access.principal)
    history = recall(store, rep_id, as_of, tenant) if store is not None else []
    calls, warnings = _calls(source, deals, known_competitors)
    warnings += _undelivered(deals)
    if analytics is not None:
        warnings += _unknown_skills(analytics, known_skills)
    rep_ctx = RepContext(rep=rep, deals=deals, analytics=analytics, history=history, calls=calls)
    return rep_ctx, warnings


def load_rep_context(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    started = time.perf_counter()
    request = request_of(state)
    rep_id = str(request.rep_id)
    ctx_settings = settings(runtime.context)
    source = workspace_source(ctx_settings.workspace, ctx_settings.principal)
    as_of = request.as_of or source.as_of or dt.date.today()
    rep, warnings = build_rep_context(
        source,
        rep_id,
        as_of,
        runtime.store,
        set(citable_documents(ctx_settings)),
        knowledge_competitors(ctx_settings.knowledge_dirs),
        upstream_source(source, ctx_settings.upstream),  # as every deal capability reads them
    )
    missing = _missing(rep_id, rep.analytics)
    warnings += [
        Warning(code="missing_input", ref=m.section, message=f"no {m.provider} data: {m.impact}")
        for m in missing
    ]
    return {
        "request": request,
        "started_at": started,
        "rep": rep,
        "as_of": as_of,
        "missing_inputs": missing,
        "warnings": warnings,
    }
