"""Next best action: the highest-scoring applicable play, made concrete for this deal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis
from agent.analysis.thresholds import MIN_ANALYTICS_SAMPLE, STALLED_DAYS
from agent.capabilities.common.competition import competition_points
from agent.capabilities.common.playbook import (
    ScoredPlay,
    deal_values,
    fill,
    list_items,
    paragraph,
    score_plays,
)
from agent.capabilities.next_best_action.closed import recommend_closed
from agent.capabilities.next_best_action.contract import (
    DealSnapshot,
    Effort,
    Guidance,
    NextBestActionResult,
    ProbabilityAdjustment,
    ProbabilityEstimate,
    RationaleItem,
    RecommendedAction,
    Target,
)
from agent.capabilities.next_best_action.targets import targets_for
from agent.contracts.base import Timing
from agent.contracts.context import DealContext
from agent.contracts.deal import Deal
from agent.contracts.probability import WinProbability
from agent.formatting import human, opening, shorten
from knowledge.documents import Document
from knowledge.plays import Play
from knowledge.retriever import Passage, SearchFilters

Search = Callable[[str, SearchFilters], list[Passage]]

URGENT_SIGNALS = frozenset({"close_date_passed"})


def _who(play: Play, deal: Deal) -> list[str]:
    """Who on the selling side does the work: only people the deal's team has (a play that
    would bring in a sales manager lists nobody for it when the team has none)."""
    names = []
    for role in play.meta.who:
        if role == "account_executive":
            names.append(deal.owner.name)
            continue
        wanted = role.replace("_", " ")
        match = next((m for m in deal.team if wanted in m.role.replace("_", " ").lower()), None)
        if match:
            names.append(match.name)
    return names


def _timing(scored: ScoredPlay) -> tuple[Timing, str]:
    for c in scored.contributions:
        if c.signal.id in URGENT_SIGNALS or c.signal.severity == "critical":
            return "immediate", f"{c.signal.label.lower()}: {c.signal.detail}"
    near = next((c for c in scored.contributions if c.signal.id == "close_date_near"), None)
    if near and near.signal.severity == "high":
        return "immediate", near.signal.detail
    default = scored.play.meta.timing
    strong = next((c for c in scored.contributions if c.signal.severity == "high"), None)
    if default == "next_week" and strong:
        return "this_week", f"{strong.signal.label.lower()}: {strong.signal.detail}"
    return default, "the usual timing for this play"


def _probability(
    scored: ScoredPlay, ctx: DealContext, analysis: Analysis, targets: list[Target]
) -> ProbabilityEstimate:
    play = scored.play
    rates = ctx.analytics.win_rates_by_action if ctx.analytics else []
    hit = next(
        (
            (i, r)
            for i, r in enumerate(rates)
            if r.action == play.id and r.sample >= MIN_ANALYTICS_SAMPLE
        ),
        None,
    )
    method: Literal["analytics", "play_prior"]
    if hit:
        i, rate = hit
        base, method, sample = rate.success_rate, "analytics", rate.sample
        explanation = (
            f"historical success rate of this play in your pipeline: "
            f"{round(base * 100)}% over {rate.sample} deals"
        )
        cites = [f"analytics.win_rates_by_action[{i}]"]
    else:
        base, method, sample = play.meta.success_prior, "play_prior", None
        explanation = (
            f"authored prior for this play ({round(base * 100)}%): no analytics "
            f"history of at least {MIN_ANALYTICS_SAMPLE} deals for it"
        )
        cites = [f"kb:{play.id}"]
    adjustments: list[ProbabilityAdjustment] = []
    for target in targets[:1]:
        person = next((e for e in analysis.engagement if e.contact_id == target.contact_id), None)
        if person and person.sentiment == "negative":
            adjustments.append(
                ProbabilityAdjustment(
                    delta=-0.1,
                    reason=f"{person.name} is negative about the deal",
                    citations=[f"deal.contacts[{person.index}]"],
                )
            )
        elif person and person.sentiment == "positive":
            adjustments.append(
                ProbabilityAdjustment(
                    delta=0.05,
                    reason=f"{person.name} is positive about the deal",
                    citations=[f"deal.contacts[{person.index}]"],
                )
            )
    if analysis.momentum == "stalled":
        adjustments.append(
            ProbabilityAdjustment(
                delta=-0.1,
                reason=f"the deal has stalled: no activity in over {STALLED_DAYS} days",
                citations=[analysis.last_activity_ref] if analysis.last_activity_ref else [],
            )
        )
    elif analysis.momentum == "accelerating":
        adjustments.append(
            ProbabilityAdjustment(
                delta=0.05,
                reason="momentum is accelerating",
                citations=[analysis.last_activity_ref] if analysis.last_activity_ref else [],
            )
        )
    value = min(0.95, max(0.05, base + sum(a.delta for a in adjustments)))
    return ProbabilityEstimate(
        value=round(value, 2),
        base=base,
        method=method,
        explanation=explanation,
        sample=sample,
        adjustments=adjustments,
        citations=cites,
    )


def _action(
    scored: ScoredPlay, ctx: DealContext, analysis: Analysis, values: dict[str, str]
) -> RecommendedAction:
    play = scored.play
    targets = targets_for(play, analysis, ctx.deal)
    timing, reason = _timing(scored)
    rationale = [
        RationaleItem(
            signal=c.signal.id,
            weight=c.points,
            statement=f"{c.signal.label}: {c.signal.detail}",
            citations=c.signal.citations,
        )
        for c in sorted(scored.contributions, key=lambda c: -c.points)
    ]
    gap = analysis.fired(f"no_{scored.missing}") if scored.missing else None
    if scored.missing and gap is not None:
        rationale.append(
            RationaleItem(
                signal=gap.id,
                weight=0.0,
                statement=f"It works through the {human(scored.missing)}, and the deal has none: "
                "counted at a discount, and the steps say who to use instead",
                citations=gap.citations,
            )
        )
    return RecommendedAction(
        play_id=play.id,
        title=play.meta.title,
        score=scored.score,
        steps=[fill(s, values) for s in list_items(play.text("what-to-do"))],
        targets=targets,
        timing=timing,
        timing_reason=reason,
        expected_outcome=fill(paragraph(play.text("expected-outcome")), values),
        success_criteria=[fill(s, values) for s in list_items(play.text("success-criteria"))],
        why_it_matters=fill(paragraph(play.text("why-it-matters")), values),
        if_not_feasible=fill(paragraph(play.text("if-it-is-not-feasible")), values),
        effort=Effort(
            level=play.meta.effort, hours=play.meta.effort_hours, who=_who(play, ctx.deal)
        ),
        probability=_probability(scored, ctx, analysis, targets),
        rationale=rationale,
        citations=[play.ref("what-to-do"), play.ref("why-it-matters")],
    )


def _fallback(plays: tuple[Play, ...]) -> ScoredPlay:
    play = next((p for p in plays if p.meta.fallback), plays[0])
    return ScoredPlay(play, ())


def _strategy(
    ctx: DealContext,
    analysis: Analysis,
    primary: RecommendedAction,
    alternatives: list[RecommendedAction],
) -> tuple[str, list[str]]:
    deal = ctx.deal
    cites = [c for c in (analysis.stage_entered_ref, analysis.stage_ref) if c]
    expected = (
        f" of an expected {analysis.expected_days_in_stage}"
        if analysis.expected_days_in_stage
        else ""
    )
    close = (
        f"{analysis.days_to_close} days before the expected close"
        if analysis.days_to_close >= 0
        else f"{-analysis.days_to_close} days past the expected close"
    )
    parts = [
        f"{deal.name} has spent {analysis.days_in_stage} days in {deal.stage}{expected}, "
        f"momentum is {analysis.momentum}, {close}."
    ]
    severe = [s for s in analysis.signals if s.severity in ("critical", "high")]
    if severe:
        parts.append(
            "The pressing issues are " + ", ".join(s.label.lower() for s in severe[:3]) + "."
        )
    if (unmapped := analysis.fired("unmapped_stakeholder")) is not None:
        parts.append(f"{opening(unmapped.detail)} and into the plan.")
        cites += unmapped.citations[:1]
    drivers = [r.signal for r in primary.rationale[:2]]
    labels = [next(s.label.lower() for s in analysis.signals if s.id == d) for d in drivers]
    if labels:
        parts.append(
            f"{primary.title} comes first because it works on "
            f"{' and '.join(labels)}, which decide whether the deal can move to "
            f"{analysis.next_stage or 'signature'}."
        )
    if alternatives:
        parts.append(f"If it stalls, {alternatives[0].title.lower()} keeps the deal moving.")
    if ctx.analytics:
        for i, conv in enumerate(ctx.analytics.stage_conversion):
            if conv.stage.lower() == deal.stage.lower():
                parts.append(
                    f"Historically {round(conv.to_win * 100)}% of deals at {conv.stage} "
                    f"are won ({conv.sample} deals)."
                )
                cites.append(f"analytics.stage_conversion[{i}]")
                break
    cites += [c for s in severe[:3] for c in s.citations[:1]]
    return " ".join(parts), list(dict.fromkeys(cites))


GUIDANCE_CHARS = 280
COMPETITIVE = frozenset({"competitive_bakeoff", "competitor_present", "blocker_present"})


def _guidance(
    search: Search | None,
    ctx: DealContext,
    analysis: Analysis,
    play: Play,
    action: RecommendedAction,
    limit: int,
) -> list[Guidance]:
    """Knowledge behind the primary action, found by what fired (lexical: fast, no model):
    the battle card of the deal's competitor when competition is in play, then the guide of
    the methodology the play is built on."""
    if search is None or limit <= 0:
        return []
    fired = [r.signal for r in action.rationale]
    labels = [next(s.label for s in analysis.signals if s.id == sid) for sid in fired[:2]]
    query = ". ".join([action.title, *labels])
    competitor = (
        ctx.deal.competitors[0] if ctx.deal.competitors and COMPETITIVE & set(fired) else None
    )
    passages = []
    if competitor:
        passages += search(query, SearchFilters(type=["battle_card"], competitor=competitor))[:1]
    for methodology in play.meta.methodology:
        found_here = search(query, SearchFilters(type=["methodology"], methodology=methodology))
        if found_here:
            passages += found_here
            break
    found = []
    for p in list({p.ref: p for p in passages}.values())[:limit]:
        found.append(
            Guidance(
                ref=p.ref, title=p.title, section=p.heading, excerpt=shorten(p.text, GUIDANCE_CHARS)
            )
        )
    return found


def _snapshot(ctx: DealContext, analysis: Analysis) -> DealSnapshot:
    return DealSnapshot(
        stage=analysis.stage,
        days_in_stage=analysis.days_in_stage,
        expected_days_in_stage=analysis.expected_days_in_stage,
        days_to_close=analysis.days_to_close,
        days_since_last_activity=analysis.days_since_last_activity,
        momentum=analysis.momentum,
        closed=analysis.closure.outcome if analysis.closure else None,
        amount=ctx.deal.amount,
        currency=ctx.deal.currency,
        economic_buyer=analysis.economic_buyer.name if analysis.economic_buyer else None,
    )


def recommend(
    ctx: DealContext,
    analysis: Analysis,
    plays: tuple[Play, ...],
    max_alternatives: int = 2,
    search: Search | None = None,
    max_guidance: int = 2,
    win: WinProbability | None = None,
    knowledge: Mapping[str, Document] | None = None,
) -> NextBestActionResult:
    """The best play now, alternatives and why; with the knowledge, what may be said about
    each competitor in play (common/card_vetting.py: a vetted card, or that there is none).
    A closed deal gets what fits a closed deal (closed.py), not a play to advance it."""
    if analysis.closure is not None:
        return recommend_closed(
            ctx, _snapshot(ctx, analysis), analysis.closure, analysis, max_alternatives, win
        )
    values = deal_values(ctx, analysis)
    ranked = score_plays(plays, analysis) or [_fallback(plays)]
    primary = _action(ranked[0], ctx, analysis, values)
    guidance = _guidance(search, ctx, analysis, ranked[0].play, primary, max_guidance)
    primary = primary.model_copy(
        update={"guidance": guidance, "citations": [*primary.citations, *(g.ref for g in guidance)]}
    )
    alternatives = []
    for scored in ranked[1 : 1 + max_alternatives]:
        action = _action(scored, ctx, analysis, values)
        top = scored.contributions[0].signal if scored.contributions else None
        concern = f", or when {top.label.lower()} is the bigger worry ({top.detail})" if top else ""
        alternatives.append(
            action.model_copy(
                update={
                    "when_to_choose": f"when {primary.title.lower()} is not feasible now{concern}"
                }
            )
        )
    strategy, strategy_cites = _strategy(ctx, analysis, primary, alternatives)
    return NextBestActionResult(
        snapshot=_snapshot(ctx, analysis),
        primary=primary,
        alternatives=alternatives,
        strategy=strategy,
        strategy_citations=strategy_cites,
        competition=competition_points(ctx, knowledge, analysis.as_of, analysis.reading)
        if knowledge is not None
        else [],
        signals=analysis.signals,
        limitations=limitations_for(ctx),
        win_probability=win,
    )
