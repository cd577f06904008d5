"""What recurs across a rep's deals and calls, what they do well, and which skills to build.

Everything here is computed from the rep's deal analyses, their process checks, their calls and
the analytics agent's rep and team figures; skills, exercises and material come from the
knowledge skill documents. A pattern needs at least two deals and half of them, the same rule
process adherence uses for a rep's habits, so one bad deal is not called a habit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from agent.analysis.model import Analysis
from agent.capabilities.common.playbook import list_items
from agent.capabilities.performance_coaching.contract import FocusArea, Pattern, RoleModel, Strength
from agent.capabilities.process_adherence.contract import StepCheck
from agent.contracts.rep import RepContext
from agent.contracts.signals import SIGNAL_LABELS
from agent.contracts.upstream import RepPerformance
from agent.formatting import pct
from knowledge.documents import KB_PREFIX, Document

# Signals that describe a selling habit, and the knowledge skill that builds it.
SIGNAL_SKILLS: dict[str, str] = {
    "single_threaded": "skill-multi-threading",
    "no_champion": "skill-multi-threading",
    "champion_gone_quiet": "skill-multi-threading",
    "economic_buyer_unknown": "skill-executive-presence",
    "economic_buyer_not_engaged": "skill-executive-presence",
    "pain_unconfirmed": "skill-discovery-questioning",
    "decision_process_unknown": "skill-discovery-questioning",
    "decision_criteria_unknown": "skill-discovery-questioning",
    "value_case_missing": "skill-value-quantification",
    "budget_unconfirmed": "skill-value-quantification",
    "no_next_step": "skill-follow-up-discipline",
    "no_recent_activity": "skill-follow-up-discipline",
    "stage_overdue": "skill-pipeline-hygiene-forecast",
    "stage_ahead_of_evidence": "skill-pipeline-hygiene-forecast",
    "close_date_slipped": "skill-pipeline-hygiene-forecast",
    "mutual_plan_missing": "skill-closing-mutual-action-plans",
}
# A habit absent from every deal is a strength: the signal, and where each deal shows it.
STRENGTH_SIGNALS: dict[str, tuple[str, str]] = {
    "single_threaded": ("More than one engaged contact on every deal", "deal.contacts"),
    "no_next_step": ("A dated next step on every deal", "deal.next_step_date"),
    "no_recent_activity": ("Recent customer activity on every deal", "deal.activities"),
    "close_date_slipped": ("No close date has slipped on any deal", "deal.close_date_history"),
}
TALK_SHARE_LIMIT = 0.6  # the active listening guide: above 60 percent on discovery calls
STRONG_SKILL = 0.7
WEAK_SKILL = 0.6
DEFAULT_IMPACT = 0.1  # when analytics links no action to the skill: rank by the gap alone
FOCUS_LIMIT = 3
EXERCISES = 2
RESOURCES = 3


@dataclass(frozen=True)
class RepFacts:
    """What the capability reads: the rep's material and everything code computed from it."""

    rep: RepContext
    analyses: dict[str, Analysis]
    steps: list[tuple[str, list[StepCheck]]]
    step_skills: dict[str, str]
    knowledge: Mapping[str, Document]

    @property
    def performance(self) -> tuple[int, RepPerformance] | None:
        analytics = self.rep.analytics
        return analytics.rep(self.rep.rep.id) if analytics else None


def scoped(deal_id: str, ref: str) -> str:
    """A deal's input ref made rep-level (`D-1003:deal.activities[3]`); knowledge refs stay."""
    return ref if ref.startswith(KB_PREFIX) else f"{deal_id}:{ref}"


def recurring(count: int, total: int) -> bool:
    return count >= 2 and count * 2 >= total


def team_win_rate(rep: RepContext) -> float | None:
    """Deal-weighted win rate across the analytics' segments: the team baseline."""
    rows = rep.analytics.win_rates_by_segment if rep.analytics else []
    sample = sum(r.sample for r in rows)
    return round(sum(r.win_rate * r.sample for r in rows) / sample, 4) if sample else None


def deal_patterns(facts: RepFacts) -> list[Pattern]:
    total = len(facts.analyses)
    found = []
    for signal_id, skill in SIGNAL_SKILLS.items():
        hits = [(d, a.fired(signal_id)) for d, a in facts.analyses.items()]
        deals = [(d, s) for d, s in hits if s is not None]
        if not recurring(len(deals), total):
            continue
        refs = [scoped(d, c) for d, s in deals for c in (s.citations[:2] or ["deal.stage"])]
        found.append(
            Pattern(
                id=signal_id,
                label=SIGNAL_LABELS[signal_id],
                detail=f"{SIGNAL_LABELS[signal_id]} in {len(deals)} of {total} deals",
                count=len(deals),
                out_of=total,
                deal_ids=[d for d, _ in deals],
                skill=skill,
                citations=refs,
            )
        )
    return found


def process_patterns(facts: RepFacts) -> list[Pattern]:
    total = len(facts.steps)
    missed: dict[str, list[tuple[str, StepCheck]]] = {}
    for deal_id, steps in facts.steps:
        for step in steps:
            if step.status == "missed":
                missed.setdefault(step.step_id, []).append((deal_id, step))
    found = []
    for step_id, hits in sorted(missed.items()):
        if not recurring(len(hits), total):
            continue
        description = hits[0][1].description
        found.append(
            Pattern(
                id=f"process:{step_id}",
                label="Process step missed repeatedly",
                detail=f"{description}: missed in {len(hits)} of {total} deals",
                count=len(hits),
                out_of=total,
                deal_ids=[d for d, _ in hits],
                skill=facts.step_skills.get(step_id),
                citations=[scoped(d, c) for d, s in hits for c in s.citations[:2]],
            )
        )
    return found


def call_patterns(facts: RepFacts) -> list[Pattern]:
    calls = facts.rep.calls
    talky = [i for i, c in enumerate(calls) if c.seller_share > TALK_SHARE_LIMIT]
    if not talky or len(talky) * 2 < len(calls):
        return []
    return [
        Pattern(
            id="talk_ratio_high",
            label="Talks more than the customer",
            detail=f"Seller talk share above {pct(TALK_SHARE_LIMIT)} in {len(talky)} of "
            f"{len(calls)} recorded calls",
            count=len(talky),
            out_of=len(calls),
            deal_ids=list(dict.fromkeys(calls[i].deal_id for i in talky)),
            skill="skill-active-listening",
            citations=[f"calls[{i}]" for i in talky],
        )
    ]


def analytics_patterns(facts: RepFacts, team_rate: float | None) -> list[Pattern]:
    """Where the rep's results sit against the team's: win rate and stage time."""
    found = []
    mine = facts.performance
    if mine is not None and team_rate is not None and mine[1].win_rate < team_rate:
        i, perf = mine
        found.append(
            Pattern(
                id="win_rate_below_team",
                label="Win rate below the team",
                detail=f"Win rate {pct(perf.win_rate)} against the team's {pct(team_rate)}",
                count=perf.deals_won,
                out_of=perf.deals_won + perf.deals_lost,
                citations=[f"analytics.reps[{i}]", "analytics.win_rates_by_segment"],
            )
        )
    cycles = facts.rep.analytics.cycle_times if facts.rep.analytics else []
    slow = []
    for deal_id, a in facts.analyses.items():
        team = next((j for j, c in enumerate(cycles) if c.stage.lower() == a.stage.lower()), None)
        if team is not None and a.days_in_stage > cycles[team].median_days:
            slow.append((deal_id, team, a))
    if recurring(len(slow), len(facts.analyses)):
        found.append(
            Pattern(
                id="slow_stages",
                label="Slower through stages than the team",
                detail=f"Longer in the current stage than the team's median in {len(slow)} of "
                f"{len(facts.analyses)} deals",
                count=len(slow),
                out_of=len(facts.analyses),
                deal_ids=[d for d, _, _ in slow],
                skill="skill-pipeline-hygiene-forecast",
                citations=[
                    ref
                    for d, j, a in slow
                    for ref in (f"analytics.cycle_times[{j}]", f"{d}:{a.stage_entered_ref}")
                    if a.stage_entered_ref
                ],
            )
        )
    return found


def strengths(facts: RepFacts) -> list[Strength]:
    found = []
    mine = facts.performance
    if mine is not None:
        i, perf = mine
        for score in sorted(perf.skills, key=lambda s: -s.score):
            doc = facts.knowledge.get(score.skill)
            if doc is None or score.score < STRONG_SKILL:
                continue
            source = f" ({score.source})" if score.source else ""
            found.append(
                Strength(
                    skill=score.skill,
                    statement=f"{doc.title}: scored {pct(score.score)}{source}",
                    citations=[f"analytics.reps[{i}]", doc.ref("what-good-looks-like")],
                )
            )
    tops = facts.rep.analytics.top_performers if facts.rep.analytics else []
    for j, top in enumerate(tops):
        doc = facts.knowledge.get(top.skill)
        if top.rep_id == facts.rep.rep.id and doc is not None:
            found.append(
                Strength(
                    skill=top.skill,
                    statement=f"Named the team's top performer for {doc.title}: {top.metric}",
                    citations=[f"analytics.top_performers[{j}]"],
                )
            )
    if len(facts.analyses) >= 2:
        for signal_id, (statement, path) in STRENGTH_SIGNALS.items():
            if all(a.fired(signal_id) is None for a in facts.analyses.values()):
                found.append(
                    Strength(
                        statement=statement,
                        citations=[f"{d}:{path}" for d in facts.analyses],
                    )
                )
    return found


def _items(doc: Document, anchor: str, limit: int) -> list[str]:
    section = doc.section(anchor)
    return list_items(section.text)[:limit] if section else []


def role_models(facts: RepFacts, skill: str) -> list[RoleModel]:
    """Only the peers analytics names for this skill; never the rep, never anyone invented."""
    tops = facts.rep.analytics.top_performers if facts.rep.analytics else []
    return [
        RoleModel(
            rep_id=t.rep_id,
            name=t.name,
            metric=t.metric,
            suggestion=f"Shadow {t.name} on two customer meetings where this skill matters, "
            "then debrief on what they asked and why",
            citations=[f"analytics.top_performers[{j}]"],
        )
        for j, t in enumerate(tops)
        if t.skill == skill and t.rep_id != facts.rep.rep.id
    ]


def focus_areas(
    facts: RepFacts, patterns: list[Pattern], skill_actions: dict[str, list[str]]
) -> list[FocusArea]:
    """Skills ranked by gap (a low score, or the share of deals a pattern shows in) times
    impact (the win-rate uplift analytics measures for the plays and steps the skill drives)."""
    gaps: dict[str, tuple[float, list[str], list[str]]] = {}

    def add(skill: str, gap: float, why: str, refs: list[str]) -> None:
        old_gap, whys, cites = gaps.get(skill, (0.0, [], []))
        gaps[skill] = (max(old_gap, gap), [*whys, why], [*cites, *refs])

    mine = facts.performance
    if mine is not None:
        for score in mine[1].skills:
            if score.score < WEAK_SKILL and score.skill in facts.knowledge:
                source = f" ({score.source})" if score.source else ""
                why = f"Scored {pct(score.score)} by the analytics agent{source}"
                add(score.skill, 1 - score.score, why, [f"analytics.reps[{mine[0]}]"])
    for p in patterns:
        if p.skill and p.skill in facts.knowledge and p.out_of:
            add(p.skill, p.count / p.out_of, p.detail, p.citations[:4])
    actions = facts.rep.analytics.win_rates_by_action if facts.rep.analytics else []
    areas = []
    for skill, (gap, whys, refs) in gaps.items():
        impact, impact_refs = DEFAULT_IMPACT, []
        for j, row in enumerate(actions):
            if row.action in skill_actions.get(skill, []) and row.win_rate_with is not None:
                uplift = row.win_rate_with - (row.win_rate_without or 0)
                whys.append(
                    f"Deals with {row.action} won {pct(row.win_rate_with)} against "
                    f"{pct(row.win_rate_without or 0)} without ({row.sample} deals)"
                )
                impact_refs.append(f"analytics.win_rates_by_action[{j}]")
                impact = max(impact, uplift)
        doc = facts.knowledge[skill]
        areas.append(
            FocusArea(
                skill=skill,
                title=doc.title,
                priority=round(gap * impact, 4),
                why=list(dict.fromkeys(whys)),
                exercises=_items(doc, "practice-exercises", EXERCISES),
                resources=_items(doc, "training-material", RESOURCES),
                role_models=role_models(facts, skill),
                citations=list(
                    dict.fromkeys(
                        [
                            *refs,
                            *impact_refs,
                            doc.ref("practice-exercises"),
                            doc.ref("training-material"),
                        ]
                    )
                ),
            )
        )
    return sorted(areas, key=lambda a: (-a.priority, a.skill))[:FOCUS_LIMIT]
