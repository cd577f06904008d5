"""Performance coaching for a rep across their deals: patterns, strengths and focus areas
(patterns.py), progress on earlier advice (progress.py), and
from those a dated plan, commitments, the link to outcomes, a guide for the manager
conversation and the coaching effectiveness event."""

from __future__ import annotations

import datetime as dt
import re

from agent.capabilities.common.coaching_history import PLAY_SKILLS
from agent.capabilities.common.playbook import list_items
from agent.capabilities.performance_coaching.contract import (
    Commitment,
    FocusArea,
    ManagerGuide,
    OutcomeLink,
    PerformanceCoachingResult,
    PlanItem,
    Progress,
    Strength,
)
from agent.capabilities.performance_coaching.patterns import (
    RepFacts,
    analytics_patterns,
    call_patterns,
    deal_patterns,
    focus_areas,
    process_patterns,
    strengths,
    team_win_rate,
)
from agent.capabilities.performance_coaching.progress import outcome_counts, progress
from agent.contracts.events import CoachingEffectiveness
from agent.formatting import pct

WEEKS = 4
_BOLD = re.compile(r"^\*\*(.+?)\*\*")
QUESTIONS_PER_SKILL = 2


def exercise_name(exercise: str) -> str:
    """An exercise's bold title ('Buying group map (20 minutes per deal).'), else the text."""
    match = _BOLD.match(exercise)
    return match.group(1).rstrip(".") if match else exercise


def skill_actions(step_skills: dict[str, str]) -> dict[str, list[str]]:
    """Plays and process steps each skill drives: where analytics can show its impact."""
    found: dict[str, list[str]] = {}
    for action, skill in [*PLAY_SKILLS.items(), *step_skills.items()]:
        found.setdefault(skill, []).append(action)
    return found


def plan(focus: list[FocusArea], as_of: dt.date) -> list[PlanItem]:
    """Weekly from as_of: practise each focus skill, shadow a named peer, then review."""
    items: list[tuple[str, str | None, list[str]]] = [
        (f"{a.title}: {a.exercises[0]}", a.skill, [f"kb:{a.skill}#practice-exercises"])
        for a in focus
        if a.exercises
    ]
    shadow = next(((a, a.role_models[0]) for a in focus if a.role_models), None)
    if shadow is not None:
        area, model = shadow
        items.insert(min(2, len(items)), (model.suggestion, area.skill, model.citations))
    if len(items) < WEEKS - 1 and focus and len(focus[0].exercises) > 1:
        first = focus[0]
        items.append(
            (
                f"{first.title}: {first.exercises[1]}",
                first.skill,
                [f"kb:{first.skill}#practice-exercises"],
            )
        )
    items = items[: WEEKS - 1]
    items.append(
        (
            "Review with your manager: what changed in your deals, and re-check the patterns",
            None,
            [],
        )
    )
    return [
        PlanItem(
            week=w,
            starts=as_of + dt.timedelta(days=7 * (w - 1)),
            activity=text,
            skill=skill,
            citations=refs,
        )
        for w, (text, skill, refs) in enumerate(items, start=1)
    ]


def commitments(focus: list[FocusArea], done: list[Progress], as_of: dt.date) -> list[Commitment]:
    found = [
        Commitment(
            what=f"Practise {area.title}: {exercise_name(area.exercises[0])}",
            due=as_of + dt.timedelta(days=7 * (rank + 1)),
            measure=area.why[0],
            citations=area.citations[:1],
        )
        for rank, area in enumerate(focus)
        if area.exercises
    ]
    found += [
        Commitment(
            what=f"Act on the advice for {p.deal_id}: {p.title}",
            due=as_of + dt.timedelta(days=7),
            measure="A matching activity is logged on the deal",
            citations=p.citations[:1],
        )
        for p in done
        if p.status == "not_followed" and p.outcome not in ("won", "lost")
    ]
    return found


def outcome_links(
    facts: RepFacts, focus: list[FocusArea], team_rate: float | None, done: list[Progress]
) -> list[OutcomeLink]:
    links = []
    mine = facts.performance
    if mine is not None and team_rate is not None:
        i, perf = mine
        links.append(
            OutcomeLink(
                statement=f"{perf.name} wins {pct(perf.win_rate)} of deals ({perf.deals_won} won, "
                f"{perf.deals_lost} lost); the team wins {pct(team_rate)}",
                citations=[f"analytics.reps[{i}]", "analytics.win_rates_by_segment"],
            )
        )
    for area in focus:
        uplift = [w for w in area.why if w.startswith("Deals with ")]
        refs = [r for r in area.citations if r.startswith("analytics.win_rates_by_action")]
        if uplift:
            links.append(OutcomeLink(statement=f"{area.title}: {uplift[0]}", citations=refs[:1]))
    for status, label in (("followed", "followed"), ("not_followed", "not followed")):
        counts = outcome_counts(done, status)  # type: ignore[arg-type]
        if counts:
            shown = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items()))
            links.append(
                OutcomeLink(
                    statement=f"Deals after advice {label}: {shown}",
                    citations=[c for p in done if p.status == status for c in p.citations[:1]],
                )
            )
    return links


def manager_guide(
    facts: RepFacts,
    found: list[Strength],
    focus: list[FocusArea],
    done: list[Progress],
    agreed: list[Commitment],
    as_of: dt.date,
) -> ManagerGuide:
    followed = sum(p.status == "followed" for p in done)
    agenda = ["Open with what is going well"]
    if done:
        agenda.append(f"Review earlier advice: {followed} of {len(done)} followed")
    agenda += [f"Focus area: {a.title}" for a in focus]
    agenda.append("Agree commitments, dates and the next check-in")
    questions, refs = [], []
    for area in focus:
        doc = facts.knowledge[area.skill]
        section = doc.section("coaching-questions")
        if section:
            questions += list_items(section.text)[:QUESTIONS_PER_SKILL]
            refs.append(doc.ref("coaching-questions"))
    return ManagerGuide(
        agenda=agenda,
        questions=questions,
        recognise=[s.statement for s in found],
        agree=[f"{c.what} (by {c.due.isoformat()})" for c in agreed],
        citations=refs,
    )


def coach_performance(
    facts: RepFacts, as_of: dt.date, limitations: list[str]
) -> PerformanceCoachingResult:
    team_rate = team_win_rate(facts.rep)
    patterns = [
        *deal_patterns(facts),
        *process_patterns(facts),
        *call_patterns(facts),
        *analytics_patterns(facts, team_rate),
    ]
    found = strengths(facts)
    focus = focus_areas(facts, patterns, skill_actions(facts.step_skills))
    done = progress(facts.rep, as_of)
    agreed = commitments(focus, done, as_of)
    mine = facts.performance
    period = (
        (mine[1].period if mine else None)
        or (facts.rep.analytics.period if facts.rep.analytics else None)
        or f"to {as_of.isoformat()}"
    )
    event = CoachingEffectiveness(
        rep_id=facts.rep.rep.id,
        period=period,
        recommendations_given=len(done),
        followed=sum(p.status == "followed" for p in done),
        not_followed=sum(p.status == "not_followed" for p in done),
        too_early=sum(p.status == "too_early" for p in done),
        outcomes_when_followed=outcome_counts(done, "followed"),
        outcomes_when_not_followed=outcome_counts(done, "not_followed"),
        focus_skills=[a.skill for a in focus],
        commitments=[f"{c.what} (by {c.due.isoformat()})" for c in agreed],
    )
    if not facts.rep.history:
        limitations = [
            *limitations,
            "No earlier advice is recorded for this rep yet: progress starts with the next "
            "recommendation the agent gives on one of their deals.",
        ]
    if not facts.rep.calls:
        limitations = [
            *limitations,
            "No call transcripts on the rep's deals: talk ratio and questioning are not judged.",
        ]
    return PerformanceCoachingResult(
        rep_id=facts.rep.rep.id,
        rep_name=facts.rep.rep.name,
        period=period,
        deal_ids=[d.deal.id for d in facts.rep.deals],
        win_rate=mine[1].win_rate if mine else None,
        team_win_rate=team_rate,
        patterns=patterns,
        strengths=found,
        focus_areas=focus,
        plan=plan(focus, as_of),
        commitments=agreed,
        progress=done,
        outcomes=outcome_links(facts, focus, team_rate, done),
        manager_guide=manager_guide(facts, found, focus, done, agreed, as_of),
        effectiveness=event,
        limitations=limitations,
    )
