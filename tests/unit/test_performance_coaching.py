"""Performance coaching rules on synthetic deals: patterns need half the deals, progress is
judged from the deal record, peers come only from the analytics."""

from __future__ import annotations

import datetime as dt

from agent.analysis import analyze_deal
from agent.capabilities.performance_coaching.patterns import (
    RepFacts,
    deal_patterns,
    focus_areas,
    role_models,
    team_win_rate,
)
from agent.capabilities.performance_coaching.progress import judge
from agent.contracts.context import DealContext
from agent.contracts.deal import TeamMember
from agent.contracts.rep import CoachingRecord, RepContext
from agent.contracts.upstream import SalesAnalytics
from knowledge.corpus import corpus
from tests.factories import AS_OF, activity, contact, days_ago, make_context

REP = TeamMember(id="rep-1", name="Rita Seller")
ANALYTICS = SalesAnalytics.model_validate(
    {
        "win_rates_by_segment": [
            {"segment": "a", "win_rate": 0.2, "sample": 100},
            {"segment": "b", "win_rate": 0.4, "sample": 300},
        ],
        "reps": [
            {
                "rep_id": "rep-1",
                "name": "Rita Seller",
                "win_rate": 0.25,
                "deals_won": 5,
                "deals_lost": 15,
                "skills": [{"skill": "skill-active-listening", "score": 0.3}],
            }
        ],
        "top_performers": [
            {
                "skill": "skill-multi-threading",
                "rep_id": "rep-2",
                "name": "Pat Peer",
                "metric": "m",
            },
            {
                "skill": "skill-active-listening",
                "rep_id": "rep-1",
                "name": "Rita Seller",
                "metric": "m",
            },
        ],
    }
)


def single_threaded(deal_id: str) -> DealContext:
    """One contact on every activity: the single-threaded signal fires."""
    return make_context(
        deal={
            "id": deal_id,
            "contacts": [
                contact("c-ann", "Ann Champion", "champion"),
                contact("c-bob", "Bob Quiet"),
            ],
            "activities": [activity(f"{deal_id}-a{i}", i * 3, ["c-ann"]) for i in range(1, 4)],
        }
    )


def facts(deals: list[DealContext], analytics: SalesAnalytics | None = ANALYTICS) -> RepFacts:
    rep = RepContext(rep=REP, deals=deals, analytics=analytics)
    analyses = {d.deal.id: analyze_deal(d, AS_OF) for d in deals}
    return RepFacts(rep, analyses, [], {}, corpus((corpus_root(),)).docs)


def corpus_root():  # type: ignore[no-untyped-def]
    from knowledge.corpus import KNOWLEDGE_ROOT

    return KNOWLEDGE_ROOT


def test_a_pattern_needs_two_deals_and_half_of_them() -> None:
    healthy = make_context(deal={"id": "T-9"})
    two_of_three = facts([single_threaded("T-1"), single_threaded("T-2"), healthy])
    found = {p.id: p for p in deal_patterns(two_of_three)}
    assert found["single_threaded"].deal_ids == ["T-1", "T-2"]
    assert (found["single_threaded"].count, found["single_threaded"].out_of) == (2, 3)
    assert all(c.startswith(("T-1:", "T-2:")) for c in found["single_threaded"].citations)
    one_of_three = facts([single_threaded("T-1"), healthy, make_context(deal={"id": "T-8"})])
    assert "single_threaded" not in {p.id for p in deal_patterns(one_of_three)}


def test_focus_ranks_gaps_and_takes_exercises_from_the_skill_document() -> None:
    f = facts([single_threaded("T-1"), single_threaded("T-2")])
    areas = focus_areas(f, deal_patterns(f), {})
    assert len(areas) == 3 and "skill-multi-threading" in [a.skill for a in areas]
    assert [a.priority for a in areas] == sorted((a.priority for a in areas), reverse=True)
    (listening,) = focus_areas(f, [], {})  # from the analytics score alone
    assert (
        listening.exercises
        and "kb:skill-active-listening#practice-exercises" in listening.citations
    )
    assert listening.role_models == []  # the only named top performer is the rep themself


def test_role_models_only_from_analytics() -> None:
    f = facts([single_threaded("T-1")])
    assert [m.name for m in role_models(f, "skill-multi-threading")] == ["Pat Peer"]
    assert role_models(f, "skill-negotiation") == []
    assert role_models(facts([single_threaded("T-1")], None), "skill-multi-threading") == []


def test_team_win_rate_is_weighted_by_sample() -> None:
    assert team_win_rate(RepContext(rep=REP, analytics=ANALYTICS)) == 0.35
    assert team_win_rate(RepContext(rep=REP)) is None


def record(given: int, due: int | None, who: list[str]) -> CoachingRecord:
    return CoachingRecord(
        rep_id="rep-1",
        deal_id="T-1",
        capability="next_best_action",
        as_of=AS_OF - dt.timedelta(days=given),
        stage="Discovery",
        title="Meet the buyer",
        activity_types=["meeting", "call"],
        participants=who,
        due=AS_OF - dt.timedelta(days=due) if due is not None else None,
    )


def test_progress_followed_not_followed_too_early_and_advanced() -> None:
    ctx = make_context(
        deal={
            "stage": "Proposal",
            "stage_history": [
                {"stage": "Discovery", "entered": days_ago(40)},
                {"stage": "Proposal", "entered": days_ago(4)},
            ],
        }
    )
    followed = judge(record(10, 3, ["c-eve"]), 0, ctx, AS_OF)  # a2: meeting with Eve 3 days ago
    assert followed.status == "followed" and followed.outcome == "advanced"
    assert "T-1:deal.activities[1]" in followed.citations and "history[0]" in followed.citations
    missed = judge(record(10, 3, ["c-nobody"]), 1, ctx, AS_OF)
    assert missed.status == "not_followed" and "history[1]" in missed.citations
    early = judge(record(1, -5, ["c-nobody"]), 2, make_context(), AS_OF)
    assert early.status == "too_early" and early.outcome == "open"
    # activity before the advice does not count as following it
    before = judge(record(2, 1, ["c-ann"]), 3, make_context(), AS_OF)
    assert before.status == "not_followed"
