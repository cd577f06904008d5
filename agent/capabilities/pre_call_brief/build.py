"""Pre-call briefing package: everything a rep reads before the meeting, from the deal, the
upstream agents and the knowledge base, each line cited. Gaps are said, not filled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis, StakeholderEngagement
from agent.capabilities.common.competition import plan_points, stale_note
from agent.capabilities.common.meeting import Focus, frame_meeting
from agent.capabilities.common.playbook import list_items, subsections
from agent.capabilities.common.stories import industry_note, none_in_industry
from agent.capabilities.deal_strategy.competitive_plan import competition_plans
from agent.capabilities.next_best_action.build import Search, recommend
from agent.capabilities.next_best_action.contract import RecommendedAction
from agent.capabilities.pre_call_brief.contract import PreCallBriefResult
from agent.contracts.context import DealContext
from agent.contracts.meeting_prep import MeetingFrame, Point
from agent.contracts.request import Meeting
from agent.formatting import human, shorten
from knowledge.documents import Document
from knowledge.plays import Play
from knowledge.retriever import SearchFilters

GAP_GUIDE = "meth-meddicc"
MAX_GAP_QUESTIONS = 2


@dataclass(frozen=True)
class MeetingInputs:
    """What both meeting capabilities build from (the agenda reuses the brief's parts): the
    deal and its analysis, the plays, the citable knowledge and a search over it, the meeting
    asked about and the deal's likely concerns."""

    ctx: DealContext
    analysis: Analysis
    plays: tuple[Play, ...]
    knowledge: Mapping[str, Document]
    search: Search | None
    meeting: Meeting | None
    concerns: list[Point]

    def plan(self) -> tuple[RecommendedAction, MeetingFrame, Focus]:
        """The step the meeting serves (next best action's primary) and the meeting framed
        around it."""
        primary = recommend(self.ctx, self.analysis, self.plays).primary
        frame, focus = frame_meeting(self.ctx, self.analysis, self.meeting, primary.title)
        return primary, frame, focus


def gap_questions(
    analysis: Analysis, knowledge: Mapping[str, Document], settled: frozenset[str] = frozenset()
) -> list[Point]:
    """Questions from the MEDDICC guide for each element the deal's evidence does not support,
    less those the people in the room settle by being there (`settled`)."""
    guide = knowledge.get(GAP_GUIDE)
    section = guide.section("questions-by-element") if guide else None
    if guide is None or section is None:
        return []
    by_element = subsections(section.text)
    points = []
    for gap in analysis.methodology_gaps:
        if gap.element in settled:
            continue
        questions = list_items(by_element.get(gap.element, ""))[:MAX_GAP_QUESTIONS]
        points += [
            Point(
                text=f"{gap.element} ({gap.status}): {q}",
                citations=[guide.ref("questions-by-element"), *gap.citations[:1]],
            )
            for q in questions
        ]
    return points[:8]


def proof_points(
    ctx: DealContext,
    knowledge: Mapping[str, Document],
    search: Search | None,
    as_of: dt.date | None = None,
) -> list[Point]:
    """The two customer stories closest to the account's industry, pains and competitors; one
    verified longer ago than the threshold on `as_of` says to re-verify it before quoting."""
    if search is None:
        return []
    pains = ctx.discovery.pains if ctx.discovery else []
    query = " ".join(
        [ctx.deal.account.industry, *(p.description for p in pains[:2]), *ctx.deal.competitors]
    )
    seen: list[str] = []
    for passage in search(query, SearchFilters(type=["proof_point"])):
        if passage.doc_id not in seen:
            seen.append(passage.doc_id)
    points = []
    industry = ctx.deal.account.industry
    for doc_id in seen[:2]:
        doc = knowledge.get(doc_id)
        results = doc.section("results") if doc else None
        if doc and results:
            label = industry_note(doc, industry)
            points.append(
                Point(
                    text=f"{doc.title}{label}: {shorten(results.text, 220)}"
                    f"{stale_note(doc, as_of)}",
                    citations=[doc.ref("results")],
                )
            )
    if points and (honest := none_in_industry(knowledge, industry)):
        points.insert(0, Point(text=honest, citations=["deal.account.industry"]))
    return points


def value_summary(ctx: DealContext) -> list[Point]:
    value = ctx.value
    if value is None:
        return []
    points = []
    if value.roi:
        roi = value.roi
        parts = [
            f"{roi.currency} {roi.annual_benefit:,.0f} a year for {roi.currency} "
            f"{roi.investment:,.0f}"
        ]
        if roi.payback_months is not None:
            parts.append(f"payback in {roi.payback_months:g} months")
        if roi.roi_percent is not None:
            parts.append(f"ROI {roi.roi_percent:g}%")
        points.append(
            Point(text=f"Value case ({value.status}): " + ", ".join(parts), citations=["value.roi"])
        )
    points += [
        Point(
            text=f"{d.name}: {d.metric or 'in the value case'}",
            citations=[f"value.value_drivers[{i}]"],
        )
        for i, d in enumerate(value.value_drivers[:3])
    ]
    return points


def _background(ctx: DealContext) -> list[Point]:
    a = ctx.deal.account
    facts = [a.industry]
    if a.employees:
        facts.append(f"{a.employees:,} employees")
    if a.region:
        facts.append(a.region)
    points = [Point(text=f"{a.name}: " + ", ".join(facts), citations=["deal.account"])]
    if a.description:
        points.append(Point(text=a.description, citations=["deal.account.description"]))
    if ctx.qualification and ctx.qualification.fit_summary:
        points.append(
            Point(
                text=f"Fit ({ctx.qualification.customer_fit}): {ctx.qualification.fit_summary}",
                citations=["qualification.fit_summary"],
            )
        )
    return points


def _challenges(ctx: DealContext) -> list[Point]:
    if ctx.discovery is None:
        return []
    d = ctx.discovery
    points = [
        Point(
            text=p.description
            + (f" ({p.impact})" if p.impact else "")
            + ("" if p.confirmed else " [not yet confirmed]"),
            citations=[f"discovery.pains[{i}]"],
        )
        for i, p in enumerate(d.pains)
    ]
    points += [
        Point(text=f"Need: {n}", citations=[f"discovery.needs[{i}]"])
        for i, n in enumerate(d.needs[:3])
    ]
    if d.compelling_event:
        points.append(
            Point(
                text=f"Compelling event: {d.compelling_event}",
                citations=["discovery.compelling_event"],
            )
        )
    return points


def _flow(frame: MeetingFrame, focus: Focus, analysis: Analysis) -> list[str]:
    customers = [a.name for a in frame.attendees if a.side == "customer"]
    open_gaps = [g.element for g in analysis.methodology_gaps if g.element not in focus.settled]
    gaps = ", ".join(open_gaps[:3]) or "the open questions"
    return [
        f"Open: thank them, restate the objective ({frame.objective}) and confirm "
        f"{frame.duration_minutes} minutes still works",
        "Ask what has changed on their side since you last spoke",
        f"Discovery on the gaps: {gaps}",
        f"Play back value in their terms for {', '.join(customers) or 'each attendee'}",
        "Surface concerns early and handle them with the guide below",
        f"Close on {focus.close_on}",
    ]


def _standing(person: StakeholderEngagement) -> str:
    """How far they are with us; someone who has gone (or is going) is said to be, with the
    record's words, because "dark" would send the rep chasing a person who no longer holds the
    role, whatever the CRM still says."""
    if person.left:
        return f"has left, no longer on the deal ({person.leaving})"
    if person.leaving:
        return f"{person.level}; leaving ({person.leaving})"
    return person.level


def _absent(person: StakeholderEngagement, analysis: Analysis) -> Point:
    """Someone of the buying group not in the room, with the last word from them when it was
    a decline or silence (the record's words, cited)."""
    said = next(
        (
            f
            for f in reversed(analysis.reading.of("outreach"))
            if f.contact_id == person.contact_id and f.outcome != "replied"
        ),
        None,
    )
    text = f"{person.name}, {person.title} ({human(person.role)}): {_standing(person)}"
    if said is not None and said.outcome is not None and not person.left:
        text += f"; not attending: {human(said.outcome)} ({said.quote})"
    cites = [f"deal.contacts[{person.index}]", *([said.ref] if said else [])]
    if person.leaving_ref:
        cites.append(person.leaving_ref)
    return Point(text=text, citations=cites)


def build_brief(given: MeetingInputs) -> PreCallBriefResult:
    ctx, analysis, knowledge, concerns = given.ctx, given.analysis, given.knowledge, given.concerns
    primary, frame, focus = given.plan()
    present = {a.person_id for a in frame.attendees}
    rest = [_absent(p, analysis) for p in analysis.engagement if p.contact_id not in present]
    rest += [
        Point(
            text=f"{m.name + ', ' if m.name else 'The '}{m.title} ({human(m.role)}): named in "
            f"the record, not a contact yet: {m.quote}",
            citations=[m.ref],
        )
        for m in analysis.mentioned
    ]
    criteria = [
        Point(
            text=f"{c.name} ({c.weight} weight): our position {c.our_position}",
            citations=[f"discovery.decision_criteria[{i}]"],
        )
        for i, c in enumerate(ctx.discovery.decision_criteria if ctx.discovery else [])
    ]
    known = analysis.evidence.get("decision_criteria_known")
    if not criteria and known is not None and not known.met:
        criteria.append(
            Point(
                text="Decision criteria not known yet (no discovery data records them): ask "
                "what they will judge the decision on in this meeting"
                if known.met is None
                else "None recorded: ask what they will judge the decision on",
                citations=known.citations or ["deal"],
            )
        )
    positioning = [
        Point(
            text=f"{a.name}: {a.value_message}"
            if a.value_message
            else f"{a.name}: no tailored message yet; lead with "
            + ("; ".join(a.priorities) if a.priorities else "their priorities"),
            citations=a.citations,
        )
        for a in frame.attendees
        if a.side == "customer"
    ]
    competitive = plan_points(competition_plans(ctx, knowledge, analysis))
    proofs = proof_points(ctx, knowledge, given.search, analysis.as_of)
    questions = gap_questions(analysis, knowledge, focus.settled)
    follow = (
        [
            Point(
                text=f"If they agree: {primary.success_criteria[0]}",
                citations=primary.citations[:1],
            )
        ]
        if primary.success_criteria
        else []
    )
    follow.append(
        Point(text=f"If they hesitate: {primary.if_not_feasible}", citations=primary.citations[1:2])
    )
    follow += [
        Point(
            text=f"If they say '{c.text.split(':')[0]}': use the objection guide "
            "answer and ask a root-cause question first",
            citations=c.citations,
        )
        for c in concerns[:2]
    ]
    customers = [
        f"{a.name} ({a.role.replace('_', ' ')})" for a in frame.attendees if a.side == "customer"
    ]
    # a deal without contacts (an imported one) has nobody to name: the line says so
    crib = [
        f"Goal: {frame.objective}",
        "With: " + (", ".join(customers) or "nobody from the customer is on record yet"),
    ]
    if questions:
        crib.append(f"Ask: {questions[0].text}")
    if proofs:
        crib.append(f"Proof: {proofs[0].text.split(':')[0]}")
    crib.append(f"Close on: {focus.close_on}")
    limitations = limitations_for(ctx) + frame.assumptions
    return PreCallBriefResult(
        meeting=frame,
        background=_background(ctx),
        challenges=_challenges(ctx),
        rest_of_dmu=rest,
        decision_criteria=criteria,
        value_positioning=positioning,
        questions=questions,
        conversation_flow=_flow(frame, focus, analysis),
        likely_concerns=concerns,
        competitive=competitive,
        proof_points=proofs,
        value_summary=value_summary(ctx),
        follow_ups=follow,
        crib_sheet=crib,
        citations=primary.citations[:2],
        limitations=limitations,
    )
