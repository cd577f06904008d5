"""Performance coaching end to end: every sample rep grounded and cited, the coaching history
seeded by really asking for earlier advice, and the effectiveness event in the outbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from agent.contracts import CoachingRequest, CoachingResponse
from agent.grounding.citations import resolve_knowledge, resolves
from agent.memory import coaching_namespace, open_store
from agent.nodes.load_rep_context import build_rep_context
from agent.reading.competitors import knowledge_competitors
from agent.respond.outbox import read_events
from agent.retrieval import citable_documents
from agent.service import coach
from agent.settings import CoachContext
from tests.conftest import SAMPLE
from tools.sources import WorkspaceSource

REPS = ("rep-daniel", "rep-maya", "rep-priya", "rep-tom")


def perform(rep_id: str, ctx: CoachContext, **extra: object) -> CoachingResponse:
    return coach(
        CoachingRequest(capability="performance_coaching", rep_id=rep_id, **extra),  # type: ignore[arg-type]
        ctx,
    )


@pytest.mark.parametrize("rep_id", REPS)
def test_every_sample_rep_is_grounded_and_cited(rep_id: str) -> None:
    ctx = CoachContext(outbox=None)
    resp = perform(rep_id, ctx)
    r = resp.result
    assert r.kind == "performance_coaching" and resp.check.passed, resp.check.findings
    assert resp.deal_id is None and resp.rep_id == rep_id
    assert CoachingResponse.model_validate_json(resp.model_dump_json()) == resp
    source = WorkspaceSource(SAMPLE)
    owned = [s.id for s in source.list_deals() if source.get_deal(s.id).owner.id == rep_id]
    assert r.deal_ids == owned
    rep, _ = build_rep_context(source, rep_id, resp.as_of, None, set(), knowledge_competitors())
    docs = citable_documents(ctx)
    assert resp.citations
    for c in resp.citations:
        ok = resolve_knowledge(docs, c.ref) if c.kind == "knowledge" else resolves(rep, c.ref)
        assert ok, c.ref
    assert r.focus_areas and all(a.exercises and a.resources for a in r.focus_areas)
    named = {t.rep_id for t in rep.analytics.top_performers} if rep.analytics else set()
    assert {m.rep_id for a in r.focus_areas for m in a.role_models} <= named - {rep_id}
    assert [i.starts for i in r.plan] == sorted(i.starts for i in r.plan)
    assert all(c.due > resp.as_of for c in r.commitments)
    assert r.manager_guide.agenda and r.manager_guide.questions


def test_history_from_earlier_advice_shows_progress(tmp_path: Path) -> None:
    """`coach next-action D-1003 --as-of 2026-10-25`, then performance coaching for its rep."""
    ctx = CoachContext(outbox=tmp_path / "events.jsonl", memory=tmp_path / "memory.sqlite")
    earlier = coach(
        CoachingRequest(
            capability="next_best_action", deal_id="D-1003", as_of=dt.date(2026, 10, 25)
        ),
        ctx,
    )
    assert earlier.result.kind == "next_best_action"
    later = coach(
        CoachingRequest(
            capability="next_best_action", deal_id="D-1006", as_of=dt.date(2026, 11, 19)
        ),
        ctx,
    )
    assert later.result.kind == "next_best_action"
    resp = perform("rep-priya", ctx)
    r = resp.result
    assert r.kind == "performance_coaching" and resp.check.passed, resp.check.findings
    by_deal = {p.deal_id: p for p in r.progress}
    assert set(by_deal) == {"D-1003", "D-1006"}
    eb = by_deal["D-1003"]
    assert eb.title == earlier.result.primary.title and eb.given_on == dt.date(2026, 10, 25)
    # the economic buyer has still not taken part in any activity on D-1003
    assert eb.status == "not_followed" and "history[0]" in eb.citations
    assert by_deal["D-1006"].status in ("too_early", "followed")
    event = r.effectiveness
    assert event.recommendations_given == 2 and event.not_followed >= 1
    assert event.focus_skills == [a.skill for a in r.focus_areas]
    assert any("D-1003" in c for c in event.commitments)  # not followed: commit to act on it
    outbox = [e for e in read_events(ctx.outbox) if e.payload.type == "coaching_effectiveness"]  # type: ignore[arg-type]
    assert outbox and outbox[-1].rep_id == "rep-priya" and outbox[-1].deal_id is None
    # advice given after the coaching date is not history yet
    before = perform("rep-priya", ctx, as_of=dt.date(2026, 10, 24)).result
    assert before.kind == "performance_coaching" and before.progress == []
    store = open_store(ctx.memory)  # type: ignore[arg-type]
    assert len(store.search(coaching_namespace("rep-priya", "local"))) == 2  # per tenant


def test_without_analytics_the_gap_is_reported_and_no_peer_is_invented(
    sample_copy: Path,
) -> None:
    (sample_copy / "org" / "analytics.yaml").unlink()
    resp = perform("rep-daniel", CoachContext(workspace=sample_copy, outbox=None))
    r = resp.result
    assert r.kind == "performance_coaching" and resp.check.passed, resp.check.findings
    assert [m.section for m in resp.missing_inputs] == ["analytics"]
    assert r.patterns and r.focus_areas  # still useful from the deals alone
    assert all(not a.role_models for a in r.focus_areas) and r.win_rate is None
    assert "Leah Verhoeven" not in resp.markdown


def test_unknown_skill_in_analytics_is_a_data_quality_warning(sample_copy: Path) -> None:
    path = sample_copy / "org" / "analytics.yaml"
    path.write_text(path.read_text().replace("skill: skill-negotiation", "skill: skill-juggling"))
    resp = perform("rep-priya", CoachContext(workspace=sample_copy, outbox=None))
    assert resp.check.passed
    assert any(w.code == "data_quality" and "skill-juggling" in w.message for w in resp.warnings)
    assert "skill-juggling" not in {s.skill for s in resp.result.strengths}  # type: ignore[union-attr]


def test_a_rep_is_coached_on_their_open_deals_not_their_won_or_lost_ones(
    sample_copy: Path,
) -> None:
    """Most of a CRM's deals are closed: a won deal is no deal to act on, and counting it made
    "311 open deals" of 80 and patterns out of history. The rep is still known by it."""
    import re

    deal = sample_copy / "deals" / "D-1006" / "deal.yaml"
    deal.write_text(re.sub(r"(?m)^stage: .*$", "stage: Closed Won", deal.read_text(), count=1))
    result = perform("rep-priya", CoachContext(workspace=sample_copy, outbox=None)).result
    assert result.kind == "performance_coaching"
    assert "D-1006" not in result.deal_ids and {"D-1003", "D-1011"} <= set(result.deal_ids)


def test_a_rep_whose_deals_are_all_closed_is_told_there_is_no_open_deal_to_read(
    sample_copy: Path,
) -> None:
    """Not "no habit shows in at least half of the deals" over none: the coaching still
    answers from the analytics, and says why it names no habit."""
    import re

    for deal_id in ("D-1003", "D-1006", "D-1011"):  # every deal of rep-priya's
        deal = sample_copy / "deals" / deal_id / "deal.yaml"
        deal.write_text(re.sub(r"(?m)^stage: .*$", "stage: Closed Lost", deal.read_text(), count=1))
    answer = perform("rep-priya", CoachContext(workspace=sample_copy, outbox=None))
    assert answer.check.passed and answer.result.kind == "performance_coaching"
    assert answer.result.deal_ids == []
    assert "No open deal to read habits from" in answer.markdown
    assert "No habit shows" not in answer.markdown
